import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerTotp, createPool, createUser, enrolTotp, nextStep, passwordSignIn, totpCode } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

async function settle(calls: Promise<{ AuthenticationResult?: unknown }>[]) {
  const results = await Promise.allSettled(calls);
  const wins = results.filter((r) => r.status === 'fulfilled' && (r.value as any).AuthenticationResult);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
  return { wins: wins.length, errors };
}

test('20 concurrent answers with the same right code on one session: exactly one succeeds', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'ann');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'ann');
  nextStep(server.clock);
  const { Session } = await passwordSignIn(client, clientId, 'ann');
  const code = totpCode(secret, server.clock.now());
  const { wins, errors } = await settle(Array.from({ length: 20 }, () => answerTotp(client, clientId, 'ann', Session!, code)));
  assert.equal(wins, 1);
  assert.equal(errors.length, 19);
  for (const name of errors) assert.ok(['NotAuthorizedException', 'ExpiredCodeException'].includes(name), name);
});

test('20 concurrent answers with the same right code on 20 sessions of one user: exactly one succeeds', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'bob');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'bob');
  nextStep(server.clock);
  const sessions = await Promise.all(Array.from({ length: 20 }, () => passwordSignIn(client, clientId, 'bob')));
  const code = totpCode(secret, server.clock.now());
  const { wins, errors } = await settle(sessions.map((s) => answerTotp(client, clientId, 'bob', s.Session!, code)));
  assert.equal(wins, 1);
  assert.deepEqual([...new Set(errors)], ['ExpiredCodeException']);
});
