/** Plain-text tables and number formatting for the benchmark report. */
import type { LoadResult } from './load.js';

export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

export function fmtMs(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function fmtRatio(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}x` : '-';
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** "412 x 400, 3 x 0 (connection errors)" for the answers that were not 200, or "". */
export function failures(r: LoadResult): string {
  const parts = Object.entries(r.other).map(([k, v]) => `${v} x ${k}`);
  if (r.errors) parts.push(`${r.errors} connection errors/timeouts`);
  return parts.join(', ');
}
