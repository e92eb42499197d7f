import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { SealError, Sealer, loadOrCreateKey } from '../src/crypto/sealing.js';

test('seal / open round trip, fresh IV each time, versioned format', () => {
  const s = new Sealer(randomBytes(32));
  const a = s.seal('JBSWY3DPEHPK3PXP', 'pool/user');
  const b = s.seal('JBSWY3DPEHPK3PXP', 'pool/user');
  assert.notEqual(a, b);
  assert.match(a, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  assert.equal(s.open(a, 'pool/user').toString(), 'JBSWY3DPEHPK3PXP');
  const bin = randomBytes(100);
  assert.deepEqual(s.open(s.seal(bin)), bin);
  assert.deepEqual(s.open(s.seal('')), Buffer.alloc(0));
  assert.deepEqual(s.open(s.seal(Buffer.alloc(0), 'x'), 'x'), Buffer.alloc(0));
});

test('tampering anywhere is detected', () => {
  const s = new Sealer(randomBytes(32));
  const sealed = s.seal('secret value', 'p/u');
  const [v, iv, ct, tag] = sealed.split('.') as [string, string, string, string];
  const flip = (part: string, bit: number) => {
    const buf = Buffer.from(part, 'base64url');
    buf[bit >> 3]! ^= 1 << (bit & 7);
    return buf.toString('base64url');
  };
  for (let bit = 0; bit < 96; bit += 7) assert.throws(() => s.open([v, flip(iv, bit), ct, tag].join('.'), 'p/u'), SealError);
  for (let bit = 0; bit < 96; bit += 5) assert.throws(() => s.open([v, iv, flip(ct, bit), tag].join('.'), 'p/u'), SealError);
  for (let bit = 0; bit < 128; bit += 9) assert.throws(() => s.open([v, iv, ct, flip(tag, bit)].join('.'), 'p/u'), SealError);
  for (const bad of ['', 'v1', 'v2.' + sealed.slice(3), sealed + '.x', `${v}.${iv}.${ct}`, `${v}.${iv}.${ct}.${tag.slice(1)}`, `${v}.${iv}+.${ct}.${tag}`]) {
    assert.throws(() => s.open(bad, 'p/u'), SealError, bad);
  }
});

test('wrong AAD and wrong key are refused', () => {
  const key = randomBytes(32);
  const s = new Sealer(key);
  const a = s.seal('alice totp seed', 'pool1/alice');
  const b = s.seal('bob totp seed', 'pool1/bob');
  assert.throws(() => s.open(a, 'pool1/bob'), SealError);
  assert.throws(() => s.open(b, 'pool1/alice'), SealError);
  assert.throws(() => s.open(a), SealError);
  assert.throws(() => s.open(s.seal('x'), 'pool1/alice'), SealError);
});

test('wrong key is refused; key length is checked', () => {
  const sealed = new Sealer(randomBytes(32)).seal('x', 'a');
  assert.throws(() => new Sealer(randomBytes(32)).open(sealed, 'a'), SealError);
  assert.throws(() => new Sealer(randomBytes(16)), TypeError);
  assert.throws(() => new Sealer(randomBytes(33)), TypeError);
});

test('loadOrCreateKey: creates 0600 key file (and 0700 directory), reuses it, honours keyHex', () => {
  const root = mkdtempSync(join(tmpdir(), 'cognate-seal-'));
  try {
    const keyFile = join(root, 'nested', 'dir', 'seal.key');
    const k1 = loadOrCreateKey({ keyFile });
    assert.equal(k1.length, 32);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(root, 'nested', 'dir')).mode & 0o777, 0o700);
    assert.equal(readFileSync(keyFile, 'utf8').trim(), k1.toString('hex'));
    const k2 = loadOrCreateKey({ keyFile });
    assert.deepEqual(k2, k1);
    // A sealed value survives the "restart".
    assert.equal(new Sealer(k2).open(new Sealer(k1).seal('persist', 'r'), 'r').toString(), 'persist');

    const hex = randomBytes(32).toString('hex');
    assert.deepEqual(loadOrCreateKey({ keyHex: hex, keyFile }), Buffer.from(hex, 'hex'));
    assert.deepEqual(loadOrCreateKey({ keyHex: hex.toUpperCase(), keyFile: join(root, 'unused') }), Buffer.from(hex, 'hex'));
    for (const bad of ['abc', hex.slice(2), hex + '00', 'g' + hex.slice(1), ' '.repeat(64)]) {
      assert.throws(() => loadOrCreateKey({ keyHex: bad, keyFile }), /64 hexadecimal/, bad);
    }
    const badFile = join(root, 'bad.key');
    writeFileSync(badFile, 'not a key\n');
    assert.throws(() => loadOrCreateKey({ keyFile: badFile }), /64 hexadecimal/);
    // Only the key file is left behind (no temporary files).
    assert.deepEqual(readdir(join(root, 'nested', 'dir')), ['seal.key']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('loadOrCreateKey: concurrent creators agree on one key', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cognate-seal-'));
  try {
    const keyFile = join(root, 'k', 'seal.key');
    const script = `import { loadOrCreateKey } from ${JSON.stringify(new URL('../src/crypto/sealing.ts', import.meta.url).href)};` +
      `process.stdout.write(loadOrCreateKey({ keyFile: ${JSON.stringify(keyFile)} }).toString('hex'));`;
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
        }),
      ),
    );
    assert.equal(new Set(outputs).size, 1);
    assert.equal(outputs[0], readFileSync(keyFile, 'utf8').trim());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

function readdir(dir: string): string[] {
  return readdirSync(dir).sort();
}
