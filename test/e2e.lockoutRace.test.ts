/**
 * Issue 11, point 3: lockouts cannot be raced. Every password or MFA code attempt is reserved in
 * the store before the secret is checked, so concurrent guesses are not all evaluated before the
 * first is counted: five failures are free, the rest of a burst is refused unevaluated, and the
 * right secret right after is refused while the lockout lasts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  ChangePasswordCommand,
  InitiateAuthCommand,
  VerifySoftwareTokenCommand,
  AssociateSoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { adminSrpAnswer, answerTotp, createPool, createUser, enrolTotp, nextStep, passwordSignIn, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

const WRONG = 'Wrong-Horse-1';

/** How many of the settled calls failed with each `name: message`, and how many succeeded. */
async function tally(calls: Promise<unknown>[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const r of await Promise.allSettled(calls)) {
    const key = r.status === 'fulfilled' ? 'ok' : `${(r.reason as Error).name}: ${(r.reason as Error).message}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const INCORRECT = 'NotAuthorizedException: Incorrect username or password.';
const EXCEEDED = 'NotAuthorizedException: Password attempts exceeded';

function passwordAttempt(poolId: string, clientId: string, username: string, password: string, admin: boolean) {
  return admin
    ? client.send(
        new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
      )
    : client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
}

for (const [round, burst] of [[1, 150], [2, 60], [3, 60], [4, 60], [5, 60], [6, 60], [7, 60], [8, 60], [9, 60], [10, 60]] as const) {
  test(`round ${round}: ${burst} concurrent wrong passwords (USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH): 5 evaluated, the rest "Password attempts exceeded", then the right password is refused`, async () => {
    const { poolId, clientId } = await createPool(client);
    await createUser(client, poolId, 'pam');
    const counts = await tally(Array.from({ length: burst }, (_, i) => passwordAttempt(poolId, clientId, 'pam', WRONG, i % 2 === 1)));
    assert.deepEqual(counts, { [INCORRECT]: 5, [EXCEEDED]: burst - 5 });
    await rejectsWith(passwordSignIn(client, clientId, 'pam'), 'NotAuthorizedException', 'Password attempts exceeded');
    server.clock.advance(1_000);
    assert.ok((await passwordSignIn(client, clientId, 'pam')).AuthenticationResult?.AccessToken, 'the lockout ends after 1 s');
  });
}

test('a burst of wrong passwords with the right one among them: at most 5 wrong ones evaluated in a row, whatever the order', async () => {
  for (let round = 0; round < 10; round++) {
    const { poolId, clientId } = await createPool(client);
    await createUser(client, poolId, 'ray');
    const calls = Array.from({ length: 40 }, (_, i) => passwordAttempt(poolId, clientId, 'ray', i === round * 4 ? PASSWORD : WRONG, i % 3 === 0));
    const counts = await tally(calls);
    const wrong = counts[INCORRECT] ?? 0;
    const right = counts.ok ?? 0;
    // The right password, when it comes before the lockout, is a successful sign-in and resets the
    // count, as Cognito's does: five wrong guesses before it and five after at most.
    assert.ok(right <= 1 && wrong <= (right ? 10 : 5), `round ${round}: ${JSON.stringify(counts)}`);
    assert.equal(wrong + right + (counts[EXCEEDED] ?? 0), 40);
  }
});

/** The PASSWORD_VERIFIER answer of an SRP sign-in, ready to send (test/support/fixtures.ts). */
const srpAnswer = async (poolId: string, clientId: string, username: string, password: string) =>
  (await adminSrpAnswer(client, server.clock, { poolId, clientId, username, password })).answer;

test('3 rounds of 20 concurrent wrong SRP proofs (PASSWORD_VERIFIER): 5 evaluated, then the right proof is refused while locked', async () => {
  for (let round = 0; round < 3; round++) {
    const { poolId, clientId } = await createPool(client);
    await createUser(client, poolId, 'sri');
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await srpAnswer(poolId, clientId, 'sri', WRONG));
    const right = await srpAnswer(poolId, clientId, 'sri', PASSWORD);
    assert.deepEqual(await tally(answers.map((answer) => answer())), { [INCORRECT]: 5, [EXCEEDED]: 15 });
    await rejectsWith(right(), 'NotAuthorizedException', 'Password attempts exceeded');
  }
});

test('concurrent right passwords of one user all sign in: successes never lock the user out (plain and SRP, 5 rounds)', async () => {
  for (let round = 0; round < 5; round++) {
    const { poolId, clientId } = await createPool(client);
    await createUser(client, poolId, 'busy');
    const plain = await tally(Array.from({ length: 30 }, (_, i) => passwordAttempt(poolId, clientId, 'busy', PASSWORD, i % 2 === 0)));
    assert.deepEqual(plain, { ok: 30 });
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await srpAnswer(poolId, clientId, 'busy', PASSWORD));
    assert.deepEqual(await tally(answers.map((answer) => answer())), { ok: 20 });
    // Wrong and right mixed after that: the four wrong ones are counted, the right ones clear them.
    const mixed = await tally(Array.from({ length: 24 }, (_, i) => passwordAttempt(poolId, clientId, 'busy', i % 6 === 0 ? WRONG : PASSWORD, false)));
    assert.deepEqual(mixed, { ok: 20, [INCORRECT]: 4 });
  }
});

test('5 rounds of 30 concurrent ChangePassword calls with a wrong previous password: 5 evaluated', async () => {
  for (let round = 0; round < 5; round++) {
    const { poolId, clientId } = await createPool(client);
    await createUser(client, poolId, 'cho');
    const AccessToken = (await passwordSignIn(client, clientId, 'cho')).AuthenticationResult!.AccessToken!;
    const change = (PreviousPassword: string) => client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword, ProposedPassword: 'Next-Horse-77' }));
    assert.deepEqual(await tally(Array.from({ length: 30 }, () => change(WRONG))), { [INCORRECT]: 5, [EXCEEDED]: 25 });
    await rejectsWith(change(PASSWORD), 'NotAuthorizedException', 'Password attempts exceeded');
  }
});

test('10 rounds of 30 concurrent wrong SOFTWARE_TOKEN_MFA codes on one session: 5 evaluated, the rest "Invalid session for the user."', async () => {
  const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
  await createUser(client, poolId, 'mia');
  const { secret } = await enrolTotp(client, server.clock, clientId, 'mia');
  for (let round = 0; round < 10; round++) {
    nextStep(server.clock);
    const { Session } = await passwordSignIn(client, clientId, 'mia');
    const right = totpCode(secret, server.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    const counts = await tally(Array.from({ length: 30 }, () => answerTotp(client, clientId, 'mia', Session!, wrong)));
    assert.deepEqual(counts, {
      'CodeMismatchException: Invalid code or auth state for the user.': 5,
      'NotAuthorizedException: Invalid session for the user.': 25,
    });
    await rejectsWith(answerTotp(client, clientId, 'mia', Session!, right), 'NotAuthorizedException', 'Invalid session for the user.');
    // The user is now throttled for 1 s; after it, a right code on a new session resets the count.
    server.clock.advance(1_000);
    nextStep(server.clock);
    const again = await passwordSignIn(client, clientId, 'mia');
    assert.ok((await answerTotp(client, clientId, 'mia', again.Session!, totpCode(secret, server.clock.now()))).AuthenticationResult);
  }
});

test('5 rounds of wrong codes on 10 sessions at once: the user\'s throttle lets 5 be evaluated, then the right code is throttled', async () => {
  for (let round = 0; round < 5; round++) {
    const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
    await createUser(client, poolId, 'ned');
    const { secret } = await enrolTotp(client, server.clock, clientId, 'ned');
    nextStep(server.clock);
    const sessions = [];
    for (let i = 0; i < 11; i++) sessions.push((await passwordSignIn(client, clientId, 'ned')).Session!);
    const right = totpCode(secret, server.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    const counts = await tally(sessions.slice(0, 10).flatMap((s) => [0, 1, 2].map(() => answerTotp(client, clientId, 'ned', s, wrong))));
    assert.equal(counts['CodeMismatchException: Invalid code or auth state for the user.'], 5, JSON.stringify(counts));
    await rejectsWith(answerTotp(client, clientId, 'ned', sessions[10], right), 'TooManyRequestsException');
  }
});

test('5 rounds of 30 concurrent wrong VerifySoftwareToken codes: 5 evaluated, the rest TooManyRequestsException', async () => {
  for (let round = 0; round < 5; round++) {
    const { poolId, clientId } = await createPool(client, { mfa: 'OPTIONAL' });
    await createUser(client, poolId, 'val');
    const AccessToken = (await passwordSignIn(client, clientId, 'val')).AuthenticationResult!.AccessToken!;
    const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    const right = totpCode(SecretCode!, server.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    const counts = await tally(Array.from({ length: 30 }, () => client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: wrong }))));
    assert.deepEqual(counts, {
      'EnableSoftwareTokenMFAException: Code mismatch and fail enable Software Token MFA': 5,
      'TooManyRequestsException: Too many failed attempts to verify the MFA code; try again later.': 25,
    });
    await rejectsWith(client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: right })), 'TooManyRequestsException');
  }
});

test('5 rounds of 30 concurrent wrong SMS_MFA codes on one session: 5 evaluated, the rest "Invalid session for the user."', async () => {
  const { SetUserPoolMfaConfigCommand, AdminSetUserMFAPreferenceCommand, RespondToAuthChallengeCommand } = await import(
    '@aws-sdk/client-cognito-identity-provider'
  );
  const { poolId, clientId } = await createPool(client);
  await client.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: poolId,
      MfaConfiguration: 'OPTIONAL',
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sns' } },
    }),
  );
  await createUser(client, poolId, 'sam', [{ Name: 'phone_number', Value: '+15555550123' }]);
  await client.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'sam', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
  for (let round = 0; round < 5; round++) {
    const start = await passwordSignIn(client, clientId, 'sam');
    assert.equal(start.ChallengeName, 'SMS_MFA');
    const [message] = await server.running.deps.store.listOutbox(poolId, 'sam', 1);
    const code = /(\d{6})/.exec(message.message)![1];
    const answer = (SMS_MFA_CODE: string) =>
      client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SMS_MFA', Session: start.Session, ChallengeResponses: { USERNAME: 'sam', SMS_MFA_CODE } }));
    const counts = await tally(Array.from({ length: 30 }, () => answer(code === '000000' ? '111111' : '000000')));
    assert.deepEqual(counts, {
      'CodeMismatchException: Invalid code or auth state for the user.': 5,
      'NotAuthorizedException: Invalid session for the user.': 25,
    });
    await rejectsWith(answer(code), 'NotAuthorizedException', 'Invalid session for the user.');
    server.clock.advance(1_000); // the user's 1 s MFA lockout; the next round's right code resets the count
    const again = await passwordSignIn(client, clientId, 'sam');
    const [fresh] = await server.running.deps.store.listOutbox(poolId, 'sam', 1);
    const ok = await client.send(
      new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SMS_MFA', Session: again.Session, ChallengeResponses: { USERNAME: 'sam', SMS_MFA_CODE: /(\d{6})/.exec(fresh.message)![1] } }),
    );
    assert.ok(ok.AuthenticationResult?.AccessToken);
  }
});
