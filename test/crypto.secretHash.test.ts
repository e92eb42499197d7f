import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeSecretHash, secretHashMatches } from '../src/crypto/secretHash.js';

// Expected values computed once, independently, with Python 3.11:
//   base64.b64encode(hmac.new(secret, username + client_id, hashlib.sha256).digest())
const VECTORS = [
  {
    username: 'alice@example.com',
    clientId: '7abcdefghijklmnop12345',
    clientSecret: '1example23456789secretabcdefghijklmnop',
    hash: 'oqY1Vm9KVrhWgWJYslK4Qh5etNNzt2X2xHRoIFfByzo=',
  },
  { username: 'Zoë', clientId: 'client1', clientSecret: 'sëcret✓', hash: '2qivgUPUS2LxRdcHcqGeWOKwgsTLGNVtjgUIemDw0x8=' },
];

test('computeSecretHash matches independently computed vectors', () => {
  for (const v of VECTORS) assert.equal(computeSecretHash(v.username, v.clientId, v.clientSecret), v.hash);
});

test('secretHashMatches: right hash true, anything else false, never throws', () => {
  const v = VECTORS[0]!;
  assert.equal(secretHashMatches(v.hash, v.username, v.clientId, v.clientSecret), true);
  assert.equal(secretHashMatches(v.hash, 'bob@example.com', v.clientId, v.clientSecret), false);
  assert.equal(secretHashMatches(v.hash, v.username, 'otherclient', v.clientSecret), false);
  assert.equal(secretHashMatches(v.hash, v.username, v.clientId, 'wrong'), false);
  const flipped = Buffer.from(v.hash, 'base64');
  flipped[5]! ^= 1;
  assert.equal(secretHashMatches(flipped.toString('base64'), v.username, v.clientId, v.clientSecret), false);
  for (const bad of ['', 'abc', v.hash.slice(0, -1), v.hash + 'AA==', v.hash.replace('=', ''), v.hash + ' ', '*' + v.hash.slice(1), 'AAAA']) {
    assert.equal(secretHashMatches(bad, v.username, v.clientId, v.clientSecret), false, bad);
  }
  assert.equal(secretHashMatches(undefined as unknown as string, v.username, v.clientId, v.clientSecret), false);
});
