/**
 * Cognate without a clone: `cognate --version`, the npm package (what `npm pack` ships, and a server
 * started from the unpacked tarball), and the container image's static facts (no container engine
 * runs here, so the Dockerfile is read, not built).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListUserPoolsCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { builtCliMissing, cognate } from './cli.support.js';
import { repoRoot, sdk, startServerProcess } from './support/server.js';

const run = promisify(execFile);
const skip = builtCliMissing();
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

test('cognate --version prints the version in package.json', { skip }, async () => {
  const result = await cognate(['--version']);
  assert.deepEqual(result, { code: 0, stdout: `cognate ${pkg.version}\n`, stderr: '' });
  assert.match((await cognate(['--help'])).stdout, /--version/);
});

describe('the npm package', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-pack-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let files: string[] = [];
  before(async () => {
    // --ignore-scripts: prepack would rebuild dist/, which the other tests use; `npm test` has just built it.
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: repoRoot });
    const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = report!.files.map((f) => f.path);
    await run('tar', ['-xzf', join(dir, report!.filename), '-C', dir]);
  });

  test('ships the compiled code, the migrations and the service model, and no sources or tests', () => {
    assert.equal(pkg.bin.cognate, 'dist/cli/main.js');
    for (const needed of ['package.json', 'README.md', 'dist/cli/main.js', 'dist/server/http.js', 'dist/crypto/srpWorker.js', 'model/cognito-idp-2016-04-18.json']) {
      assert.ok(files.includes(needed), `${needed} is in the package`);
    }
    for (const engine of ['sqlite', 'postgres']) {
      for (const migration of readdirSync(join(repoRoot, 'migrations', engine))) {
        assert.ok(files.includes(`migrations/${engine}/${migration}`), `migrations/${engine}/${migration} is in the package`);
      }
    }
    const stray = files.filter((f) => /^(src|test|bench|node_modules)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    assert.deepEqual(stray, []);
  });

  test('the unpacked package runs: --version, and a server that reads its migrations and model', async () => {
    const root = join(dir, 'package');
    // Dependencies as `npm install <tarball>` would give them; the registry is not needed for this test.
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
    const main = join(root, 'dist/cli/main.js');
    const { stdout } = await run(process.execPath, [main, '--version']);
    assert.equal(stdout, `cognate ${pkg.version}\n`);
    const server = await startServerProcess(['--db', ':memory:'], {}, main);
    try {
      assert.match(server.output(), /^Cognate listening on http:\/\/127\.0\.0\.1:\d+\n/, 'the ready line is the first line');
      assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { status: 'ok' });
      const client = sdk(server.url);
      await client.send(new CreateUserPoolCommand({ PoolName: 'from-the-package' }));
      assert.equal((await client.send(new ListUserPoolsCommand({ MaxResults: 10 }))).UserPools!.length, 1);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

describe('the container image', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  /** The instructions of the runtime stage, continuation lines joined. */
  const instructions = runtime.replace(/\\\n\s*/g, ' ').split('\n').filter((l) => /^[A-Z]+ /.test(l));
  const one = (name: string) => instructions.filter((l) => l.startsWith(`${name} `));

  test('two stages: built with npm ci, run with production dependencies only', () => {
    assert.equal(dockerfile.match(/^FROM /gm)?.length, 2);
    assert.match(dockerfile, /^RUN npm ci\b/m);
    assert.match(dockerfile, /npm run build && npm prune --omit=dev/);
    assert.doesNotMatch(runtime, /npm (ci|install)/, 'the runtime stage installs nothing');
  });

  test('runs as a non-root user, keeps its data in /data, listens on 9229 on every interface', () => {
    const user = one('USER');
    assert.equal(user.length, 1);
    assert.doesNotMatch(user[0]!, /^USER (root|0)(:|$)/);
    assert.deepEqual(one('VOLUME'), ['VOLUME /data']);
    assert.deepEqual(one('EXPOSE'), ['EXPOSE 9229']);
    const env = one('ENV').join(' ');
    assert.match(env, /COGNATE_HOST=0\.0\.0\.0/);
    assert.match(env, /COGNATE_DB=\/data\/cognate\.db/);
    assert.deepEqual(one('CMD'), ['CMD ["node", "dist/cli/main.js", "serve"]']);
  });

  test('its HEALTHCHECK asks /health with node, and the command it runs works', async () => {
    const [check] = one('HEALTHCHECK');
    assert.ok(check, 'a HEALTHCHECK');
    const command = JSON.parse(check!.slice(check!.indexOf('CMD ') + 4)) as string[];
    assert.equal(command[0], 'node');
    assert.equal(command[1], '-e');
    assert.match(command[2]!, /\/health/);
    if (skip) return;
    const server = await startServerProcess(['--db', ':memory:']);
    try {
      const port = new URL(server.url).port;
      await run(process.execPath, ['-e', command[2]!], { env: { ...process.env, COGNATE_PORT: port } });
      await server.stop();
      await assert.rejects(run(process.execPath, ['-e', command[2]!], { env: { ...process.env, COGNATE_PORT: port } }), 'unhealthy once stopped');
    } finally {
      await server.stop();
    }
  });

  test('.dockerignore keeps the host\'s node_modules, dist and databases out; compose.yaml runs it on PostgreSQL', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.cognate', '*.db', '.git']) assert.ok(ignored.includes(entry), entry);
    const compose = readFileSync(join(repoRoot, 'compose.yaml'), 'utf8');
    assert.match(compose, /COGNATE_DB: postgres:\/\/\S+@postgres:5432\//);
    assert.match(compose, /COGNATE_SEALING_KEY: \$\{COGNATE_SEALING_KEY:\?/);
    assert.match(compose, /condition: service_healthy/);
  });
});
