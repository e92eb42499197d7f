import { spawn, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ManualClock } from '../../src/clock.js';
import { defaultConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer as startHttpServer, type RunningServer } from '../../src/server/http.js';

export const repoRoot = new URL('../../', import.meta.url).pathname;

export interface TestServer {
  url: string;
  running: RunningServer;
  clock: ManualClock;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A real server on a loopback port, in this process, with a clock the test moves by hand.
 * Clients reach it over real HTTP; only time is under the test's control.
 */
export async function startServer(overrides: Partial<Config> = {}, clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0))): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-test-'));
  const config = defaultConfig({ port: 0, db: join(dir, 'cognate.db'), logLevel: 'silent', ...overrides });
  const running = await startHttpServer(config, { clock, log: createLogger('silent') });
  return {
    url: running.url,
    running,
    clock,
    dir,
    async stop() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * The built `cognate serve` as a child process (run `npm run build` first; `npm test` does); `main`
 * is another copy of dist/cli/main.js, e.g. in an unpacked npm package.
 */
export async function startServerProcess(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  main = join(repoRoot, 'dist/cli/main.js'),
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [main, 'serve', '--port', '0', ...args], {
    env: { ...process.env, COGNATE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const check = () => {
      const match = /Cognate listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export function sdk(url: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDCOGNATETEST', secretAccessKey: 'cognate-test-secret' },
    maxAttempts: 1,
  });
}

/**
 * One started server for a test file: started before its tests, stopped after them. `set` receives
 * the server and an SDK client for it. With `realTime`, the server's clock starts at the real time
 * (for clients that sign with their own clock, like SRP's TIMESTAMP).
 */
export function useServer(
  set: (server: TestServer, client: CognitoIdentityProviderClient) => void,
  options: { realTime?: boolean; config?: Partial<Config> } = {},
): void {
  let server: TestServer | undefined;
  before(async () => {
    server = await startServer(options.config);
    if (options.realTime) server.clock.set(Date.now());
    set(server, sdk(server.url));
  });
  after(() => server?.stop());
}
