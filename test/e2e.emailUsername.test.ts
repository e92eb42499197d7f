import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
  type ISignUpResult,
} from 'amazon-cognito-identity-js';
import { control } from './support/control.js';
import { nextStep, PASSWORD, totpCode } from './support/fixtures.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, type TestServer } from './support/server.js';

const EMAIL = 'dana@example.com';

type Outcome = { kind: 'success'; session: CognitoUserSession } | { kind: 'failure'; error: any } | { kind: 'totpRequired' };

/** authenticateUser (USER_SRP_AUTH), its callbacks turned into one outcome. */
function signIn(user: CognitoUser): Promise<Outcome> {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: PASSWORD }), {
      onSuccess: (session) => resolve({ kind: 'success', session }),
      onFailure: (error) => resolve({ kind: 'failure', error }),
      totpRequired: () => resolve({ kind: 'totpRequired' }),
    });
  });
}

const callback = <T>(run: (done: (err: any, value?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));

/** The whole journey against `server`, on either engine. */
async function journey(server: TestServer): Promise<void> {
  const client = sdk(server.url);
  // The pool an ordinary application configures: sign-in by email, custom:tenant_id, a group, TOTP optional.
  const created = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'email-app',
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Schema: [{ Name: 'tenant_id', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '36' } }],
    }),
  );
  const poolId = created.UserPool!.Id!;
  await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
  const app = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  const clientId = app.UserPoolClient!.ClientId!;
  await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 1 }));
  const userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url });

  // SignUp by email: the username is a generated UUID, the user's sub.
  const signedUp = await callback<ISignUpResult>((done) =>
    userPool.signUp(EMAIL, PASSWORD, [new CognitoUserAttribute({ Name: 'custom:tenant_id', Value: 'tenant-42' })], [], done),
  );
  const sub = signedUp.userSub;
  assert.match(sub, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(signedUp.userConfirmed, false);

  // The confirmation code from the outbox (docs/outbox.md), sent to the email.
  const outbox = await control(server.url, 'GET', `/_cognate/outbox?poolId=${poolId}&username=${sub}`);
  const message = (outbox.body.Messages as { purpose: string; message: string; destination: string }[]).find((m) => m.purpose === 'SIGN_UP')!;
  assert.equal(message.destination, EMAIL);
  const code = /(\d{6})/.exec(message.message)![1];
  const byEmail = () => new CognitoUser({ Username: EMAIL, Pool: userPool });
  assert.equal(await callback<string>((done) => byEmail().confirmRegistration(code, true, done)), 'SUCCESS');

  // An administrator puts the user in a group, naming them by email.
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: EMAIL, GroupName: 'admins' }));

  // SRP sign-in by email, then TOTP enrolment.
  const user = byEmail();
  const first = await signIn(user);
  assert.equal(first.kind, 'success', JSON.stringify(first));
  const secret = await new Promise<string>((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
  await new Promise((resolve, reject) =>
    user.verifySoftwareToken(totpCode(secret, server.clock.now()), 'Dana phone', { onSuccess: resolve, onFailure: reject }),
  );
  await callback((done) => user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, done));

  // Signing in again by email asks for the TOTP code.
  const again = byEmail();
  assert.equal((await signIn(again)).kind, 'totpRequired');
  nextStep(server.clock);
  const session = await new Promise<CognitoUserSession>((resolve, reject) =>
    again.sendMFACode(totpCode(secret, server.clock.now()), { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA'),
  );

  const access = session.getAccessToken().decodePayload();
  const id = session.getIdToken().decodePayload();
  assert.equal(access.username, sub, 'the access token names the UUID username');
  assert.equal(id['cognito:username'], sub, 'the ID token names the UUID username');
  assert.equal(id.sub, sub);
  assert.equal(id.email, EMAIL);
  assert.equal(id.email_verified, true);
  assert.equal(id['custom:tenant_id'], 'tenant-42', 'the custom attribute in the ID token');
  assert.deepEqual(access['cognito:groups'], ['admins'], 'the groups in the access token');
  assert.deepEqual(id['cognito:groups'], ['admins'], 'the groups in the ID token');
}

const TITLE = 'an email-as-username pool end to end with amazon-cognito-identity-js: sign-up, outbox code, SRP by email, TOTP, tokens with the UUID username, a custom attribute and the groups';

describe('SQLite', () => {
  let server: TestServer;
  // amazon-cognito-identity-js signs its SRP claim with the real time; the server's clock starts there.
  before(async () => {
    server = await startServer();
    server.clock.set(Date.now());
  });
  after(() => server.stop());
  test(`${TITLE} (SQLite)`, () => journey(server));
});

describe('PostgreSQL', { skip: pgSkip }, () => {
  let server: TestServer;
  const schema = pgSchemaUrl();
  before(async () => {
    server = await startServer({ db: schema.url, sealingKey: randomBytes(32).toString('hex') });
    server.clock.set(Date.now());
  });
  after(async () => {
    await server?.stop();
    await schema.drop();
  });
  test(`${TITLE} (PostgreSQL)`, () => journey(server));
});
