/**
 * Issue 11, point 1: reset and confirmation codes cannot be guessed by asking for new ones. Codes
 * issued and codes guessed are limited per user and purpose (CODE_ISSUE_LIMIT, CODE_GUESS_LIMIT in
 * src/auth/codes.ts), a reissued code does not reset the guesses, and past a limit Cognito's
 * LimitExceededException "Attempt limit exceeded, please try after some time." answers; unknown
 * names get the same limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminResetUserPasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  AdminCreateUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CODE_GUESS_LIMIT, CODE_ISSUE_LIMIT } from '../src/auth/codes.js';
import { passwordSignIn, PASSWORD, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

const LIMIT = 'Attempt limit exceeded, please try after some time.';
const HOUR = 3_600_000;

async function latestCode(poolId: string, username: string, purpose: string): Promise<string> {
  const messages = await server.running.deps.store.listOutbox(poolId, username, 50);
  const message = messages.find((m) => m.purpose === purpose);
  assert.ok(message, `a ${purpose} message in the outbox`);
  return /(\d{6})/.exec(message.message)![1];
}
const outboxCount = async (poolId: string, username: string, purpose: string) =>
  (await server.running.deps.store.listOutbox(poolId, username, 1000)).filter((m) => m.purpose === purpose).length;

async function emailPool() {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'limits', AutoVerifiedAttributes: ['email'] }));
  const poolId = pool.UserPool!.Id!;
  const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }));
  return { poolId, clientId: app.UserPoolClient!.ClientId! };
}

/** A confirmed user with a verified email, in its own pool. */
async function confirmedUser(username: string) {
  const { poolId, clientId } = await emailPool();
  await client.send(new AdminCreateUserCommand({
    UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1',
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }, { Name: 'email_verified', Value: 'true' }],
  }));
  return { poolId, clientId };
}

const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  }
}

test('150 × (ForgotPassword + 5 wrong ConfirmForgotPassword): 5 codes issued and 10 guesses evaluated an hour, then LimitExceededException', async () => {
  const { poolId, clientId } = await confirmedUser('gus');
  const tally: Record<string, number> = {};
  const count = (what: string, result: string) => (tally[`${what} ${result}`] = (tally[`${what} ${result}`] ?? 0) + 1);
  for (let i = 0; i < 150; i++) {
    count('issue', await outcome(client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'gus' }))));
    for (let g = 0; g < 5; g++) {
      const guess = String((i * 5 + g) % 1_000_000).padStart(6, '0');
      count('guess', await outcome(client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'gus', ConfirmationCode: guess, Password: 'Reset-Password-5' }))));
    }
  }
  assert.equal(tally['issue ok'], CODE_ISSUE_LIMIT.limit, JSON.stringify(tally));
  assert.equal(tally['issue LimitExceededException'], 150 - CODE_ISSUE_LIMIT.limit);
  const evaluated = (tally['guess CodeMismatchException'] ?? 0) + (tally['guess ExpiredCodeException'] ?? 0) + (tally['guess ok'] ?? 0);
  assert.equal(evaluated, CODE_GUESS_LIMIT.limit, JSON.stringify(tally));
  assert.equal(tally['guess LimitExceededException'], 750 - CODE_GUESS_LIMIT.limit);
  assert.equal(await outboxCount(poolId, 'gus', 'FORGOT_PASSWORD'), CODE_ISSUE_LIMIT.limit);
  await rejectsWith(client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'gus' })), 'LimitExceededException', LIMIT);
  // An hour later both budgets are new, and the right code works.
  server.clock.advance(HOUR);
  await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'gus' }));
  const code = await latestCode(poolId, 'gus', 'FORGOT_PASSWORD');
  await client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'gus', ConfirmationCode: code, Password: 'Reset-Password-5' }));
  assert.ok((await passwordSignIn(client, clientId, 'gus', 'Reset-Password-5')).AuthenticationResult);
});

test('a reissued reset code does not reset the guesses: after 10 wrong guesses over two codes, the right code is refused', async () => {
  const { poolId, clientId } = await confirmedUser('hal');
  const confirm = (ConfirmationCode: string) =>
    client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'hal', ConfirmationCode, Password: 'Reset-Password-5' }));
  for (let code = 0; code < 2; code++) {
    await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'hal' }));
    const wrong = wrongOf(await latestCode(poolId, 'hal', 'FORGOT_PASSWORD'));
    for (let g = 0; g < 5; g++) await rejectsWith(confirm(wrong), 'CodeMismatchException');
  }
  await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'hal' }));
  await rejectsWith(confirm(await latestCode(poolId, 'hal', 'FORGOT_PASSWORD')), 'LimitExceededException', LIMIT);
  server.clock.advance(HOUR);
  await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'hal' }));
  await confirm(await latestCode(poolId, 'hal', 'FORGOT_PASSWORD'));
});

test('5 rounds of 50 concurrent ForgotPassword and 50 concurrent wrong guesses: 5 codes and 10 guesses, exactly', async () => {
  for (let round = 0; round < 5; round++) {
    const { poolId, clientId } = await confirmedUser('ivy');
    const issued = await Promise.all(Array.from({ length: 50 }, () => outcome(client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ivy' })))));
    assert.equal(issued.filter((o) => o === 'ok').length, CODE_ISSUE_LIMIT.limit);
    assert.equal(issued.filter((o) => o === 'LimitExceededException').length, 50 - CODE_ISSUE_LIMIT.limit);
    const wrong = wrongOf(await latestCode(poolId, 'ivy', 'FORGOT_PASSWORD'));
    const guesses = await Promise.all(
      Array.from({ length: 50 }, () =>
        outcome(client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'ivy', ConfirmationCode: wrong, Password: 'Reset-Password-5' }))),
      ),
    );
    assert.equal(guesses.filter((o) => o === 'LimitExceededException').length, 50 - CODE_GUESS_LIMIT.limit, JSON.stringify(guesses));
  }
});

test('AdminResetUserPassword shares the limit on reset codes', async () => {
  const { poolId, clientId } = await confirmedUser('jon');
  for (let i = 0; i < CODE_ISSUE_LIMIT.limit - 1; i++) await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'jon' }));
  await client.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'jon' }));
  await rejectsWith(client.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'jon' })), 'LimitExceededException', LIMIT);
  await rejectsWith(client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'jon' })), 'LimitExceededException', LIMIT);
});

test('ResendConfirmationCode and ConfirmSignUp: 5 codes an hour, 10 guesses across them', async () => {
  const { poolId, clientId } = await emailPool();
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'kai', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'kai@example.com' }] }));
  const confirm = (ConfirmationCode: string) => client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'kai', ConfirmationCode }));
  for (let i = 0; i < CODE_ISSUE_LIMIT.limit; i++) {
    await client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'kai' }));
    if (i < 2) {
      const wrong = wrongOf(await latestCode(poolId, 'kai', 'SIGN_UP'));
      for (let g = 0; g < 5; g++) await rejectsWith(confirm(wrong), 'CodeMismatchException');
    }
  }
  await rejectsWith(client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'kai' })), 'LimitExceededException', LIMIT);
  await rejectsWith(confirm(await latestCode(poolId, 'kai', 'SIGN_UP')), 'LimitExceededException', LIMIT);
  server.clock.advance(HOUR);
  await confirm(await latestCode(poolId, 'kai', 'SIGN_UP'));
});

test('an unknown name meets the same limits as a user', async () => {
  const { clientId } = await confirmedUser('lea');
  for (const Username of ['lea', 'nobody']) {
    for (let i = 0; i < CODE_ISSUE_LIMIT.limit; i++) await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username }));
    await rejectsWith(client.send(new ForgotPasswordCommand({ ClientId: clientId, Username })), 'LimitExceededException', LIMIT);
    for (let g = 0; g < CODE_GUESS_LIMIT.limit; g++) {
      const answer = await outcome(client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username, ConfirmationCode: '000001', Password: 'Reset-Password-5' })));
      assert.ok(['CodeMismatchException', 'ExpiredCodeException'].includes(answer), `${Username}: ${answer}`);
    }
    await rejectsWith(
      client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username, ConfirmationCode: '000001', Password: 'Reset-Password-5' })),
      'LimitExceededException',
      LIMIT,
    );
  }
});
