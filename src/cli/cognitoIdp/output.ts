/**
 * Response output in the AWS CLI's three formats.
 *
 * - json: 4-space indentation, non-ASCII kept, nothing at all for an empty response.
 * - text: tab-separated; each structure's scalar values on one line in key order, nested
 *   structures and lists below, prefixed with their key in upper case (awscli/text.py).
 * - table: the boxed sections of awscli/table.py, 80 columns wide unless a row needs more
 *   (then single-row sections turn vertical, as the AWS CLI does).
 *
 * Timestamps arrive here already as the AWS CLI v1 shows them: epoch seconds by default, or
 * (cli_timestamp_format = iso8601) `Timestamp(...).toJSON()` text.
 */

/** A response timestamp, in the local time zone as botocore's ISO 8601 rendering shows it. */
export class Timestamp {
  constructor(readonly date: Date) {}

  private parts(sep: string): string {
    const d = this.date;
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const micro = d.getMilliseconds() * 1000;
    const offsetMin = -d.getTimezoneOffset();
    const sign = offsetMin >= 0 ? '+' : '-';
    const abs = Math.abs(offsetMin);
    return (
      `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}${sep}` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
      (micro ? `.${pad(micro, 6)}` : '') +
      `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
    );
  }

  toJSON(): string {
    return this.parts('T');
  }

  toString(): string {
    return this.parts(' ');
  }
}

export type OutputFormat = 'json' | 'text' | 'table';

/** Replaces timestamps by their ISO text (what a --query expression sees). */
export function plain(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toJSON();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Timestamp);
const isScalar = (v: unknown): boolean => !Array.isArray(v) && !isObject(v);

/** Python's str() for the scalar values a response holds. */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number' && !Number.isInteger(v)) return String(v);
  return String(v);
}

// Python sorts strings by code point; JS's default sort compares UTF-16 units, equal for the BMP.
const sortKeys = (keys: Iterable<string>): string[] => [...keys].sort();

export function formatJson(value: unknown): string {
  if (isObject(value) && Object.keys(value).length === 0) return '';
  return `${JSON.stringify(value === undefined ? null : value, null, 4)}\n`;
}

// ---- text -------------------------------------------------------------------------------------

export function formatText(value: unknown): string {
  const out: string[] = [];
  formatTextItem(value, out, undefined, undefined);
  return out.join('');
}

function formatTextItem(item: unknown, out: string[], identifier: string | undefined, scalarKeys: string[] | undefined): void {
  if (isObject(item)) formatTextDict(item, out, identifier, scalarKeys);
  else if (Array.isArray(item)) formatTextList(item, out, identifier);
  else out.push(`${pyStr(item)}\n`);
}

function formatTextList(item: unknown[], out: string[], identifier: string | undefined): void {
  if (item.length === 0) return;
  if (item.some(isObject)) {
    const keys = new Set<string>();
    for (const el of item) {
      if (!isObject(el)) continue;
      for (const [k, v] of Object.entries(el)) if (isScalar(v)) keys.add(k);
    }
    const allKeys = sortKeys(keys);
    for (const el of item) formatTextItem(el, out, identifier, allKeys);
  } else if (item.some(Array.isArray)) {
    const scalars = item.filter(isScalar);
    const nonScalars = item.filter((el) => !isScalar(el));
    if (scalars.length) formatScalarList(scalars, out, identifier);
    for (const el of nonScalars) formatTextItem(el, out, identifier, undefined);
  } else {
    formatScalarList(item, out, identifier);
  }
}

function formatScalarList(elements: unknown[], out: string[], identifier: string | undefined): void {
  if (identifier !== undefined) for (const el of elements) out.push(`${identifier.toUpperCase()}\t${pyStr(el)}\n`);
  else out.push(`${elements.map(pyStr).join('\t')}\n`);
}

function formatTextDict(item: Record<string, unknown>, out: string[], identifier: string | undefined, scalarKeys: string[] | undefined): void {
  const scalars: string[] = [];
  const nonScalars: [string, unknown][] = [];
  if (scalarKeys === undefined) {
    for (const key of sortKeys(Object.keys(item))) {
      const v = item[key];
      if (isScalar(v)) scalars.push(pyStr(v));
      else nonScalars.push([key, v]);
    }
  } else {
    for (const key of scalarKeys) scalars.push(key in item ? pyStr(item[key]) : '');
    for (const key of sortKeys(Object.keys(item).filter((k) => !scalarKeys.includes(k)))) nonScalars.push([key, item[key]]);
  }
  if (scalars.length) {
    if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
    out.push(`${scalars.join('\t')}\n`);
  }
  for (const [key, v] of nonScalars) formatTextItem(v, out, key, undefined);
}

// ---- table ------------------------------------------------------------------------------------

/** Display width: East Asian wide, full-width and ambiguous characters take two columns. */
function textLength(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd);
    n += wide ? 2 : 1;
  }
  return n;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

class Section {
  title = '';
  headers: string[] = [];
  rows: string[][] = [];
  indentLevel = 0;
  private numCols: number | undefined;
  private maxWidths: number[] = [];

  addHeader(headers: string[]): void {
    this.updateMaxWidths(headers);
    if (this.numCols === undefined) this.numCols = headers.length;
    this.headers = headers;
  }

  addRow(row: unknown[]): void {
    if (this.numCols === undefined) this.numCols = row.length;
    const cells = row.map(pyStr);
    this.rows.push(cells);
    this.updateMaxWidths(cells);
  }

  private updateMaxWidths(row: string[]): void {
    if (this.maxWidths.length === 0) this.maxWidths = row.map(textLength);
    else row.forEach((el, i) => (this.maxWidths[i] = Math.max(textLength(el), this.maxWidths[i] ?? 0)));
  }

  columnWidths(padding = 0, maxWidth?: number): number[] {
    const unscaled = this.maxWidths.map((w) => w + padding);
    if (maxWidth === undefined || unscaled.length === 0) return unscaled;
    const factor = maxWidth / unscaled.reduce((a, b) => a + b, 0);
    const scaled = unscaled.map((w) => roundHalfEven(factor * w));
    let offBy = scaled.reduce((a, b) => a + b, 0) - maxWidth;
    while (offBy !== 0) {
      const order = [...scaled.keys()];
      if (offBy < 0) order.reverse();
      for (const i of order) {
        if (offBy > 0) {
          scaled[i]!--;
          offBy--;
        } else {
          scaled[i]!++;
          offBy++;
        }
        if (offBy === 0) break;
      }
    }
    return scaled;
  }

  totalWidth(padding: number, outerPadding: number): number {
    let total = 0;
    for (const w of this.columnWidths()) total += w + padding;
    total += 2 + 2 * outerPadding;
    return Math.max(textLength(this.title) + 2 + 2 * outerPadding, total);
  }
}

function centerText(text: string, length: number, left = '|', right = '|'): string {
  const tl = textLength(text);
  const start = Math.floor(length / 2) - Math.floor(tl / 2) - 1;
  const soFar = textLength(left) + start + tl;
  return `${left}${' '.repeat(Math.max(0, start))}${text}${' '.repeat(Math.max(0, length - textLength(right) - soFar))}${right}`;
}

function alignLeft(text: string, length: number, left: string, right: string): string {
  const tl = textLength(text);
  const padding = length - (tl + 2 + left.length + right.length) >= 0 ? 2 : 0;
  const soFar = left.length + padding + tl;
  return `${left}${' '.repeat(padding)}${text}${' '.repeat(Math.max(0, length - soFar - right.length))}${right}`;
}

class MultiTable {
  sections: Section[] = [];
  private current: Section | undefined;
  constructor(private readonly terminalWidth: number) {}

  newSection(title: string, indentLevel: number): void {
    this.current = new Section();
    this.current.title = title;
    this.current.indentLevel = indentLevel;
    this.sections.push(this.current);
  }
  addRowHeader(headers: string[]): void {
    this.current!.addHeader(headers);
  }
  addRow(row: unknown[]): void {
    this.current!.addRow(row);
  }

  private maxWidth(): number {
    return Math.max(...this.sections.map((s) => s.totalWidth(4, s.indentLevel)));
  }

  render(): string {
    let maxWidth = this.maxWidth();
    if (maxWidth > this.terminalWidth) {
      // Too wide: single-row sections with headers become two-column (header, value) sections.
      this.sections = this.sections.map((s) => {
        if (s.rows.length !== 1 || s.headers.length === 0) return s;
        const v = new Section();
        v.title = s.title;
        v.indentLevel = s.indentLevel;
        s.headers.forEach((h, i) => v.addRow([h, s.rows[0]![i]]));
        return v;
      });
      maxWidth = this.maxWidth();
    }
    const out: string[] = [`${'-'.repeat(maxWidth)}\n`];
    for (const s of this.sections) this.renderSection(s, maxWidth, out);
    return out.join('');
  }

  private renderSection(s: Section, maxWidth: number, out: string[]): void {
    const indent = '|'.repeat(s.indentLevel);
    const write = (line: string) => out.push(`${indent}${line}${indent}\n`);
    const width = maxWidth - s.indentLevel * 2;
    if (s.title) {
      write(centerText(s.title, width));
      if (s.headers.length === 0 && s.rows.length === 0) write(`+${'-'.repeat(width - 2)}+`);
    }
    const lineBreak = (widths: number[]) => widths.map((w, i) => (i === 0 ? `+${'-'.repeat(w - 2)}+` : `${'-'.repeat(w - 1)}+`)).join('');
    if (s.headers.length) {
      const widths = s.columnWidths(4, width);
      write(lineBreak(widths));
      write(widths.map((w, i) => centerText(s.headers[i] ?? '', w, i === 0 ? '|' : '', '|')).join(''));
    }
    if (s.rows.length) {
      const widths = s.columnWidths(4, width);
      if (widths.length === 0) return;
      write(lineBreak(widths));
      for (const row of s.rows) write(widths.map((w, i) => alignLeft(row[i] ?? '', w, i === 0 ? '|' : '', '|')).join(''));
      write(lineBreak(widths));
    }
  }
}

export function formatTable(title: string, value: unknown, terminalWidth = 80): string {
  const table = new MultiTable(terminalWidth);
  const scalarKeys = (obj: Record<string, unknown>) => {
    const headers: string[] = [];
    const more: string[] = [];
    for (const k of Object.keys(obj)) (isScalar(obj[k]) ? headers : more).push(k);
    return [headers.sort(), more.sort()] as const;
  };
  const build = (t: string | undefined, current: unknown, indent: number): boolean => {
    if (!current || (Array.isArray(current) && current.length === 0) || (isObject(current) && Object.keys(current).length === 0)) {
      return false;
    }
    if (t !== undefined) table.newSection(t, indent);
    if (Array.isArray(current)) {
      if (isObject(current[0])) {
        const headersSet = new Set<string>();
        const moreSet = new Set<string>();
        for (const el of current) {
          if (!isObject(el)) continue;
          const [h, m] = scalarKeys(el);
          h.forEach((x) => headersSet.add(x));
          m.forEach((x) => moreSet.add(x));
        }
        const headers = sortKeys(headersSet);
        const more = sortKeys(moreSet);
        table.addRowHeader(headers);
        let first = true;
        for (const el of current as Record<string, unknown>[]) {
          if (!first && more.length) {
            table.newSection(t ?? '', indent);
            table.addRowHeader(headers);
          }
          first = false;
          table.addRow(headers.map((h) => (h in el ? el[h] : '')));
          for (const r of more) if (r in el) build(r, el[r], indent + 1);
        }
      } else {
        for (const item of current) {
          if (isScalar(item)) table.addRow([item]);
          else if (Array.isArray(item) && item.every(isScalar)) table.addRow(item);
          else build(undefined, item, 0);
        }
      }
    }
    if (isObject(current)) {
      const [headers, more] = scalarKeys(current);
      if (headers.length === 1) table.addRow([headers[0], current[headers[0]!]]);
      else if (headers.length) {
        table.addRowHeader(headers);
        table.addRow(headers.map((h) => current[h]));
      }
      for (const r of more) build(r, current[r], indent + 1);
    }
    return true;
  };
  if (!build(title, value, 0)) return '';
  return table.render();
}

export function formatOutput(format: OutputFormat, title: string, value: unknown, terminalWidth?: number): string {
  switch (format) {
    case 'json':
      return formatJson(value);
    case 'text':
      return formatText(value);
    case 'table':
      return formatTable(title, value, terminalWidth);
  }
}
