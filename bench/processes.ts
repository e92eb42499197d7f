/**
 * Child processes for the servers under test: each gets its own event loop, as in production,
 * so the load generator (this process) and the server do not share one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../', import.meta.url).pathname;

export interface Child {
  url: string;
  child: ChildProcess;
  output(): string;
  /** CPU seconds (user + system, all threads) the process has used so far; NaN where unknown. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Clock ticks per second for /proc/<pid>/stat: 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;

/** Busy CPU seconds of the whole machine (all cores) from /proc/stat; NaN elsewhere. */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** utime + stime of a process from /proc (Linux); NaN elsewhere. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Starts `node ...args` and waits for a line matching `listening`, whose group 1 is the URL. */
export async function startChild(args: string[], listening: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start within 20 s:\n${out}`));
    }, 20_000);
    const check = () => {
      const match = listening.exec(out);
      if (match) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        resolve(match[1]!);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`));
    };
    child.stdout!.on('data', check);
    child.once('exit', onExit);
  });
  return {
    url,
    child,
    output: () => out,
    cpuSeconds: () => processCpuSeconds(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function startReference(): Promise<Child> {
  return startChild(['--import', 'tsx', join(repoRoot, 'bench/reference.ts')], /Reference listening on (http:\/\/\S+)/);
}

/**
 * The built server (`npm run build` first) on a fresh database in a temporary directory.
 * BENCH_SERVER_NODE_ARGS adds Node flags to the server only, e.g. `--cpu-prof --cpu-prof-dir=prof`;
 * BENCH_SERVER_MAIN runs another build's main.js (to compare a change against this one).
 */
export async function startCognate(): Promise<Child & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-bench-'));
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const main = process.env.BENCH_SERVER_MAIN || join(repoRoot, 'dist/cli/main.js');
  const child = await startChild(
    [...nodeArgs, main, 'serve', '--port', '0', '--db', join(dir, 'cognate.db')],
    /Cognate listening on (http:\/\/\S+)/,
    { COGNATE_LOG_LEVEL: 'warn' },
  );
  return {
    ...child,
    dir,
    stop: async () => {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
