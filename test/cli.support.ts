/**
 * Helpers for the CLI tests: run the built `cognate` (dist/cli/main.js) and the AWS CLI.
 * The CLI tests need `npm run build` first (`npm test` does it).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../', import.meta.url).pathname;
export const cliPath = join(repoRoot, 'dist/cli/main.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An environment without AWS settings that could leak in from the machine, plus `extra`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'COGNATE_ENDPOINT') env[k] = v;
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/cognate-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cognate-test-credentials',
    TZ: 'UTC',
    ...extra,
  };
}

/** Runs `cognate <args>` and resolves with its exit status and output (never rejects on a non-zero exit). */
export function cognate(args: string[], env: NodeJS.ProcessEnv = cleanEnv(), input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [cliPath, ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err);
      resolve({ code: child.exitCode ?? 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export function builtCliMissing(): string | false {
  return existsSync(cliPath) ? false : 'dist/cli/main.js is missing: run `npm run build` first';
}

/**
 * False when the AWS CLI v1 (`aws`, the Python one) runs here, else the reason to skip the
 * comparisons with it. Cognate follows v1's formats (v2 differs in exit codes, timestamps, ...).
 */
export function awsCliMissing(): string | false {
  const r = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'the AWS CLI (`aws`) is not installed: skipping the comparison with it';
  if (!/aws-cli\/1\./.test(`${r.stdout}${r.stderr}`)) return `not the AWS CLI v1 (${r.stdout.trim()}): skipping the comparison with it`;
  return false;
}

export function aws(args: string[], env: NodeJS.ProcessEnv = cleanEnv({ AWS_DEFAULT_REGION: 'us-east-1' })): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('aws', args, { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err);
      resolve({ code: child.exitCode ?? 0, stdout, stderr });
    });
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Turns terminal QR text back into a module grid. Handles both renderings of the qrcode package:
 * `terminal` (half blocks coloured with ANSI: black or white foreground on a white background)
 * and `utf8` (half blocks drawn for light modules, blank for dark ones).
 */
export function terminalToGrid(text: string, style: 'terminal' | 'utf8'): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of text.split('\n')) {
    if (!/[ ▀▄█]/.test(line.replace(/\x1b\[[0-9;]*m/g, ''))) continue;
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    // Colours: true = dark. Default (after reset) counts as light, the terminal's paper.
    let fg = true;
    let bg = false;
    for (let i = 0; i < line.length; i++) {
      const esc = /^\x1b\[([0-9;]*)m/.exec(line.slice(i));
      if (esc) {
        for (const code of esc[1]!.split(';')) {
          if (code === '0' || code === '') {
            fg = false;
            bg = false;
          } else if (code === '30') fg = true;
          else if (code === '37') fg = false;
          else if (code === '40') bg = true;
          else if (code === '47') bg = false;
        }
        i += esc[0].length - 1;
        continue;
      }
      const ch = line[i]!;
      if (style === 'utf8') {
        // Drawn = light module.
        top.push(!(ch === '█' || ch === '▀'));
        bottom.push(!(ch === '█' || ch === '▄'));
      } else {
        top.push(ch === '█' || ch === '▀' ? fg : bg);
        bottom.push(ch === '█' || ch === '▄' ? fg : bg);
      }
    }
    rows.push(top, bottom);
  }
  return rows;
}

/** Renders a module grid as an image with a quiet zone and decodes it with jsQR (a dev dependency). */
export async function decodeGrid(grid: boolean[][]): Promise<string | undefined> {
  // jsqr is CommonJS whose types declare an ES default export; at run time the default is the function.
  const jsQR = (await import('jsqr')).default as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
  const scale = 6;
  const quiet = 4;
  const h = grid.length;
  const w = Math.max(...grid.map((r) => r.length));
  const width = (w + 2 * quiet) * scale;
  const height = (h + 2 * quiet) * scale;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!grid[y]![x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const p = (((y + quiet) * scale + dy) * width + (x + quiet) * scale + dx) * 4;
          data[p] = data[p + 1] = data[p + 2] = 0;
        }
      }
    }
  }
  return jsQR(data, width, height)?.data;
}

