import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { base32Decode, base32Encode } from '../src/crypto/base32.js';
import { generateSecret, hotp, matchTotp, timeStep, totpAt } from '../src/crypto/totp.js';

const RFC_SEED = Buffer.from('12345678901234567890', 'ascii');

test('base32: RFC 4648 section 10 vectors, case-insensitive, padding optional, bad chars throw', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [plain, enc] of vectors) {
    assert.equal(base32Encode(Buffer.from(plain)), enc);
    assert.equal(base32Decode(enc).toString(), plain);
    assert.equal(base32Decode(enc.toLowerCase()).toString(), plain);
    const padded = enc + '='.repeat((8 - (enc.length % 8)) % 8);
    assert.equal(base32Decode(padded).toString(), plain);
  }
  for (let i = 0; i < 200; i++) {
    const data = randomBytes(randomInt(0, 64));
    assert.deepEqual(base32Decode(base32Encode(data)), data);
  }
  for (const bad of ['MZ1W', 'MZXW 6', 'MZ=XW6', 'MZXW6!', 'M', 'MZX', 'MZXW6Y', 'MZÄW']) {
    assert.throws(() => base32Decode(bad), TypeError, bad);
  }
});

test('HOTP: RFC 4226 appendix D', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => assert.equal(hotp(RFC_SEED, counter), code));
});

test('TOTP: RFC 6238 appendix B, SHA1, 8 digits', () => {
  const secret = base32Encode(RFC_SEED);
  const vectors: Array<[number, string]> = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, code] of vectors) {
    assert.equal(totpAt(secret, timeStep(seconds * 1000), 8), code);
    assert.equal(hotp(RFC_SEED, timeStep(seconds * 1000), 8), code);
  }
  assert.equal(timeStep(59_000), 1);
  assert.equal(timeStep(60_000), 2);
  assert.equal(timeStep(89_999, 60), 1);
});

test('TOTP agrees with otpauth for random secrets and times', () => {
  for (let i = 0; i < 500; i++) {
    const secret = generateSecret();
    const now = randomInt(0, 2 ** 42);
    const theirs = OTPAuth.TOTP.generate({
      secret: OTPAuth.Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      timestamp: now,
    });
    assert.equal(totpAt(secret, timeStep(now)), theirs);
    assert.equal(matchTotp(secret, theirs, now), timeStep(now));
  }
});

test('matchTotp: window ±1 accepted, ±2 refused, malformed codes refused', () => {
  const secret = generateSecret();
  const now = Date.UTC(2024, 0, 2, 15, 4, 5);
  const t = timeStep(now);
  for (const d of [-1, 0, 1]) assert.equal(matchTotp(secret, totpAt(secret, t + d), now), t + d);
  for (const d of [-2, 2]) {
    const code = totpAt(secret, t + d);
    // Skip the (1e-6) coincidence where the far code equals a near one.
    if ([-1, 0, 1].some((n) => totpAt(secret, t + n) === code)) continue;
    assert.equal(matchTotp(secret, code, now), null);
    assert.equal(matchTotp(secret, code, now, 2), t + d);
  }
  assert.equal(matchTotp(secret, totpAt(secret, t + 1), now, 0), null);
  const good = totpAt(secret, t);
  for (const bad of ['', '12345', '1234567', ' ' + good.slice(1), good + '\n', '１２３４５６', 'abcdef', '-12345', '12345.']) {
    assert.equal(matchTotp(secret, bad, now), null, JSON.stringify(bad));
  }
  assert.equal(matchTotp('not base32!', good, now), null);
  assert.equal(matchTotp(secret, good as unknown as string, now), t);
});

test('generateSecret: 52 Base32 characters, 32 bytes, unique', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const s = generateSecret();
    assert.equal(s.length, 52);
    assert.match(s, /^[A-Z2-7]{52}$/);
    assert.equal(base32Decode(s).length, 32);
    seen.add(s);
  }
  assert.equal(seen.size, 1000);
});
