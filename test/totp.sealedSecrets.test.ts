/**
 * TOTP secrets are sealed to their user (src/auth/totpSecrets.ts), and the memo of opened secrets
 * must not weaken that: a sealed value only ever opens for the user it was sealed for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTotpSecret, sealTotpSecret } from '../src/auth/totpSecrets.js';
import { SealError, Sealer } from '../src/crypto/sealing.js';
import { generateSecret } from '../src/crypto/totp.js';
import { userRecord } from './support/records.js';

const deps = () => ({ sealer: new Sealer(randomBytes(32)) });

test('a secret sealed for one user opens for that user: in this process, and in another with the same key', () => {
  const key = randomBytes(32);
  const d = { sealer: new Sealer(key) };
  const ann = userRecord('pool-a', 'ann');
  const secret = generateSecret();
  const sealed = sealTotpSecret(d, ann, secret);
  assert.doesNotMatch(sealed, new RegExp(secret));
  assert.equal(openTotpSecret(d, ann, sealed), secret);
  // Another process (or a restart) has only the sealed value and the key.
  assert.equal(openTotpSecret({ sealer: new Sealer(key) }, ann, sealed), secret);
});

test('a sealed secret copied to another user, another pool, or sealed under another key does not open', () => {
  const d = deps();
  const ann = userRecord('pool-a', 'ann');
  const sealed = sealTotpSecret(d, ann, generateSecret());
  openTotpSecret(d, ann, sealed); // known to this process now
  assert.throws(() => openTotpSecret(d, userRecord('pool-a', 'bob'), sealed), SealError);
  assert.throws(() => openTotpSecret(d, userRecord('pool-b', 'ann'), sealed), SealError);
  assert.throws(() => openTotpSecret(deps(), ann, sealed), SealError);
});

test('a tampered sealed secret does not open', () => {
  const d = deps();
  const ann = userRecord('pool-a', 'ann');
  const sealed = sealTotpSecret(d, ann, generateSecret());
  const parts = sealed.split('.');
  const ct = Buffer.from(parts[2]!, 'base64url');
  ct[0] ^= 1;
  const tampered = [parts[0], parts[1], ct.toString('base64url'), parts[3]].join('.');
  assert.throws(() => openTotpSecret(d, ann, tampered), SealError);
});
