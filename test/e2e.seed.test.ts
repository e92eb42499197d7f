/**
 * The declarative seed (docs/seed.md): `cognate serve --seed FILE` started as a process, then
 * driven with the AWS SDK and amazon-cognito-identity-js with no set-up call of its own; a bad
 * file stops the server with the path of the problem; `cognate seed export` round-trips; fixed ids
 * through tags on CreateUserPool / CreateUserPoolClient.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeResourceServerCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { builtCliMissing, cleanEnv, cliPath, cognate } from './cli.support.js';
import { rejectsWith, totpCode } from './support/fixtures.js';
import { repoRoot, sdk, startServerProcess, type ServerProcess } from './support/server.js';
import { getShape } from '../src/model/serviceModel.js';
import { stringify as stringifyYaml } from 'yaml';

const skip = builtCliMissing();
const POOL = 'us-east-1_Seeded123';
const CLIENT = 'seedwebclient0000000000001';
const SECRET_CLIENT = 'seedserverclient00000000001';
const SECRET = 'seededsecretseededsecretseededsecretseededsecret123';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const seed = {
  version: 1,
  pools: [
    {
      Id: POOL,
      PoolName: 'seeded',
      Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: false } },
      Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
      MfaConfig: { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } },
      Domain: 'seeded-app',
      resourceServers: [{ Identifier: 'https://api.example', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] }],
      clients: [
        { ClientId: CLIENT, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
        {
          ClientId: SECRET_CLIENT,
          ClientSecret: SECRET,
          ClientName: 'server',
          ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid', 'email', 'https://api.example/read'],
          AllowedOAuthFlowsUserPoolClient: true,
          CallbackURLs: ['https://app.example/callback'],
          SupportedIdentityProviders: ['COGNITO'],
        },
      ],
      groups: [{ GroupName: 'admins', Precedence: 1, Description: 'Administrators' }, { GroupName: 'readers' }],
      users: [
        { Username: 'alice', password: 'Seeded-Password-1', attributes: { email: 'alice@example.com', email_verified: 'true', 'custom:tier': 'gold' }, groups: ['admins', 'readers'] },
        { Username: 'bob', password: 'Seeded-Password-2', totpSecret: TOTP },
        { Username: 'carol', status: 'FORCE_CHANGE_PASSWORD', password: 'Temporary-Pass-3' },
        { Username: 'dave', status: 'UNCONFIRMED', password: 'Seeded-Password-4', enabled: false },
      ],
    },
  ],
};

function writeSeed(dir: string, name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** `cognate serve --seed FILE` expected to refuse the file: its exit status and output. */
function serveRefuses(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--db', ':memory:', ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function srpSignIn(url: string, poolId: string, clientId: string, username: string, password: string) {
  const user = new CognitoUser({ Username: username, Pool: new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: url }) });
  return new Promise<{ kind: 'success'; session: CognitoUserSession } | { kind: 'totpRequired' } | { kind: 'failure'; error: any }>((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ kind: 'success', session }),
      onFailure: (error) => resolve({ kind: 'failure', error }),
      totpRequired: () => resolve({ kind: 'totpRequired' }),
    });
  }).then((outcome) => ({ outcome, user }));
}

async function counts(url: string, poolId: string) {
  const client = sdk(url);
  const pools = (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!.length;
  const clients = (await client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }))).UserPoolClients!.map((c) => c.ClientId).sort();
  const groups = (await client.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups!.map((g) => g.GroupName).sort();
  const users = (await client.send(new ListUsersCommand({ UserPoolId: poolId }))).Users!.map((u) => `${u.Username}:${u.UserStatus}:${u.Enabled}`).sort();
  return { pools, clients, groups, users };
}

describe('cognate serve --seed', { skip }, () => {
  let dir: string;
  let server: ServerProcess;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cognate-seed-'));
    file = writeSeed(dir, 'seed.json', seed);
    server = await startServerProcess(['--db', join(dir, 'cognate.db'), '--seed', file]);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the seeded pool, clients, groups and users exist with their fixed ids', async () => {
    const client = sdk(server.url);
    const pool = (await client.send(new DescribeUserPoolCommand({ UserPoolId: POOL }))).UserPool!;
    assert.equal(pool.Name, 'seeded');
    assert.equal(pool.Policies!.PasswordPolicy!.MinimumLength, 10);
    const mfa = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: POOL }));
    assert.equal(mfa.MfaConfiguration, 'OPTIONAL');
    assert.equal(mfa.SoftwareTokenMfaConfiguration!.Enabled, true);
    const secretClient = (await client.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: SECRET_CLIENT }))).UserPoolClient!;
    assert.equal(secretClient.ClientSecret, SECRET);
    assert.deepEqual(secretClient.AllowedOAuthFlows, ['code']);
    assert.deepEqual(secretClient.CallbackURLs, ['https://app.example/callback']);
    assert.equal(pool.Domain, 'seeded-app');
    const api = await client.send(new DescribeResourceServerCommand({ UserPoolId: POOL, Identifier: 'https://api.example' }));
    assert.deepEqual(api.ResourceServer!.Scopes, [{ ScopeName: 'read', ScopeDescription: 'Read' }]);
    assert.deepEqual(await counts(server.url, POOL), {
      pools: 1,
      clients: [CLIENT, SECRET_CLIENT].sort(),
      groups: ['admins', 'readers'],
      users: ['alice:CONFIRMED:true', 'bob:CONFIRMED:true', 'carol:FORCE_CHANGE_PASSWORD:true', 'dave:UNCONFIRMED:false'],
    });
    const alice = await client.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: 'alice' }));
    assert.equal(alice.UserAttributes!.find((a) => a.Name === 'custom:tier')!.Value, 'gold');
    const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: POOL, Username: 'alice' }));
    assert.deepEqual(groups.Groups!.map((g) => g.GroupName).sort(), ['admins', 'readers']);
  });

  test('amazon-cognito-identity-js signs a seeded user in over SRP with the seeded password and ids', async () => {
    const { outcome } = await srpSignIn(server.url, POOL, CLIENT, 'alice', 'Seeded-Password-1');
    assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
    const payload = (outcome as { session: CognitoUserSession }).session.getIdToken().decodePayload();
    assert.equal(payload.aud, CLIENT);
    assert.deepEqual(payload['cognito:groups'], ['admins', 'readers']);
  });

  test('a seeded TOTP secret answers SOFTWARE_TOKEN_MFA', async () => {
    const { outcome, user } = await srpSignIn(server.url, POOL, CLIENT, 'bob', 'Seeded-Password-2');
    assert.equal(outcome.kind, 'totpRequired', JSON.stringify(outcome));
    const session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.sendMFACode(totpCode(TOTP, Date.now()), { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA'),
    );
    assert.equal(session.getIdToken().decodePayload()['cognito:username'], 'bob');
  });

  test('a FORCE_CHANGE_PASSWORD user gets NEW_PASSWORD_REQUIRED with the seeded temporary password', async () => {
    const answer = await sdk(server.url).send(
      new InitiateAuthCommand({ ClientId: CLIENT, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD: 'Temporary-Pass-3' } }),
    );
    assert.equal(answer.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  });

  test('applying the same file again (a restart with it) changes nothing', async () => {
    const client = sdk(server.url);
    const before = await counts(server.url, POOL);
    const described = (await client.send(new DescribeUserPoolCommand({ UserPoolId: POOL }))).UserPool!;
    const clientBefore = (await client.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: SECRET_CLIENT }))).UserPoolClient!;
    const aliceBefore = await client.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: 'alice' }));
    await server.stop();
    server = await startServerProcess(['--db', join(dir, 'cognate.db'), '--seed', file]);
    assert.deepEqual(await counts(server.url, POOL), before);
    const again = sdk(server.url);
    const describedAfter = (await again.send(new DescribeUserPoolCommand({ UserPoolId: POOL }))).UserPool!;
    assert.deepEqual(describedAfter, described);
    assert.deepEqual((await again.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: SECRET_CLIENT }))).UserPoolClient, clientBefore);
    const aliceAfter = await again.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: 'alice' }));
    assert.deepEqual({ ...aliceAfter, $metadata: undefined }, { ...aliceBefore, $metadata: undefined });
    const { outcome } = await srpSignIn(server.url, POOL, CLIENT, 'alice', 'Seeded-Password-1');
    assert.equal(outcome.kind, 'success');
  });

  test('cognate seed export prints the pool; applying the export to an empty server gives the same pool', async () => {
    const plain = await cognate(['seed', 'export', '--pool-id', POOL, '--endpoint-url', server.url]);
    assert.equal(plain.code, 0, plain.stderr);
    const withoutSecrets = JSON.parse(plain.stdout);
    assert.equal(withoutSecrets.pools[0].clients.find((c: any) => c.ClientId === SECRET_CLIENT).ClientSecret, undefined);
    const full = await cognate(['seed', 'export', '--pool-id', POOL, '--with-secrets', '--endpoint-url', server.url]);
    assert.equal(full.code, 0, full.stderr);
    const exported = JSON.parse(full.stdout);
    assert.equal(exported.pools[0].clients.find((c: any) => c.ClientId === SECRET_CLIENT).ClientSecret, SECRET);
    const exportedFile = writeSeed(dir, 'exported.json', exported);
    const copy = await startServerProcess(['--db', ':memory:', '--seed', exportedFile]);
    try {
      const original = await counts(server.url, POOL);
      // Passwords are not exported: the copy's users have none, and keep their status.
      assert.deepEqual(await counts(copy.url, POOL), original);
      const a = (await sdk(server.url).send(new DescribeUserPoolCommand({ UserPoolId: POOL }))).UserPool!;
      const b = (await sdk(copy.url).send(new DescribeUserPoolCommand({ UserPoolId: POOL }))).UserPool!;
      const strip = ({ CreationDate: _c, LastModifiedDate: _l, EstimatedNumberOfUsers: _e, ...rest }: any) => rest;
      assert.deepEqual(strip(b), strip(a));
      const describe = (url: string) => sdk(url).send(new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: SECRET_CLIENT }));
      const ca = (await describe(server.url)).UserPoolClient!;
      const cb = (await describe(copy.url)).UserPoolClient!;
      assert.deepEqual({ ...cb, CreationDate: undefined, LastModifiedDate: undefined }, { ...ca, CreationDate: undefined, LastModifiedDate: undefined });
      // The export applied to the server it came from changes nothing either.
      const again = await cognate(['seed', 'export', '--pool-id', POOL, '--with-secrets', '--endpoint-url', copy.url]);
      assert.deepEqual(JSON.parse(again.stdout), exported);
    } finally {
      await copy.stop();
    }
  });
});

describe('a seed file that contradicts itself or the model stops cognate serve with its path', { skip }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cognate-seed-bad-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => JSON.parse(JSON.stringify(seed)) as typeof seed & { pools: any[] };
  const cases: [string, (s: any) => unknown, RegExp][] = [
    ['a flow the model does not have', (s) => (s.pools[0].clients[1].ExplicitAuthFlows = ['ALLOW_NOPE']), /: pools\[0\]\.clients\[1\]\.ExplicitAuthFlows: 1 validation error detected: Value '\[ALLOW_NOPE\]' at pools\[0\]\.clients\[1\]\.ExplicitAuthFlows failed/],
    ['a pool id of another region', (s) => (s.pools[0].Id = 'eu-west-1_Abc'), /pools\[0\]\.Id: 'eu-west-1_Abc' is in region eu-west-1/],
    ['a malformed pool id', (s) => (s.pools[0].Id = 'nope'), /pools\[0\]\.Id: 'nope' is not a user pool id/],
    ['a bad client id', (s) => (s.pools[0].clients[0].ClientId = 'has space'), /pools\[0\]\.clients\[0\]\.ClientId: 'has space' is not a client id/],
    ['a user in a group the pool does not list', (s) => (s.pools[0].users[0].groups = ['admins', 'ghosts']), /pools\[0\]\.users\[0\]\.groups\[1\]: ghosts is not one of the pool's groups/],
    ['a TOTP secret in a pool without TOTP', (s) => delete s.pools[0].MfaConfig, /pools\[0\]\.users\[1\]\.totpSecret: the pool does not enable TOTP/],
    ['a password the policy refuses', (s) => (s.pools[0].users[0].password = 'short'), /pools\[0\]\.users\[0\]\.password: InvalidPasswordException: Password did not conform with policy: Password not long enough/],
    ['an attribute the pool does not have', (s) => (s.pools[0].users[0].attributes = { 'custom:nope': 'x' }), /pools\[0\]\.users\[0\]\.attributes: InvalidParameterException: .*custom:nope/],
    ['a status that does not exist', (s) => (s.pools[0].users[2].status = 'ARCHIVED'), /pools\[0\]\.users\[2\]\.status: must be one of/],
    ['the same user twice', (s) => s.pools[0].users.push({ Username: 'alice' }), /pools\[0\]\.users\[4\]\.Username: alice appears twice/],
    ['a client secret the model refuses', (s) => (s.pools[0].clients[1].ClientSecret = 'short'), /pools\[0\]\.clients\[1\]\.ClientSecret: a client secret is 24 to 64/],
    ['a misspelt member', (s) => (s.pools[0].clients[0].ExplicitAuthFlow = []), /pools\[0\]\.clients\[0\]\.ExplicitAuthFlow: not a member of CreateUserPoolClient/],
    ['a domain with a reserved word', (s) => (s.pools[0].Domain = 'my-cognito'), /pools\[0\]\.Domain: InvalidParameterException: Domain cannot contain reserved word: cognito/],
    ['a resource server twice', (s) => s.pools[0].resourceServers.push({ Identifier: 'https://api.example', Name: 'Again' }), /pools\[0\]\.resourceServers\[1\]\.Identifier: https:\/\/api\.example appears twice/],
    ['a client scope no resource server has', (s) => s.pools[0].clients[1].AllowedOAuthScopes.push('https://api.example/write'), /pools\[0\]\.clients\[1\]: ScopeDoesNotExistException: Invalid scope requested: https:\/\/api\.example\/write/],
  ];
  for (const [name, change, message] of cases) {
    test(name, async () => {
      const s = base();
      change(s);
      const file = writeSeed(dir, 'bad.json', s);
      const { code, output } = await serveRefuses(['--seed', file]);
      assert.equal(code, 1, output);
      assert.match(output, message);
      assert.ok(output.includes(`seed file ${file}`), output);
      assert.doesNotMatch(output, /listening/);
    });
  }

  test('COGNATE_SEED names the file too; a .yaml file that is not YAML is refused', async () => {
    const file = writeSeed(dir, 'bad.yaml', 'pools: [\n  - Id: "unterminated\n');
    const child = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const p = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--db', ':memory:'], { env: cleanEnv({ COGNATE_SEED: file }), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      p.stdout.on('data', (d) => (output += d));
      p.stderr.on('data', (d) => (output += d));
      p.on('exit', (code) => resolve({ code, output }));
    });
    assert.equal(child.code, 1, child.output);
    assert.ok(child.output.includes(`seed file ${file}: not YAML`), child.output);
  });
});

describe('fixed ids through tags on CreateUserPool and CreateUserPoolClient', { skip }, () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess(['--db', ':memory:']);
  });
  after(() => server?.stop());

  test('cognate:id fixes the pool id; cognate:client-id:<ClientName> fixes a client id', async () => {
    const client = sdk(server.url);
    const { UserPool } = await client.send(
      new CreateUserPoolCommand({ PoolName: 'tagged', UserPoolTags: { 'cognate:id': 'us-east-1_Tagged1', 'cognate:client-id:web': 'taggedwebclient' } }),
    );
    assert.equal(UserPool!.Id, 'us-east-1_Tagged1');
    const { UserPoolClient } = await client.send(new CreateUserPoolClientCommand({ UserPoolId: 'us-east-1_Tagged1', ClientName: 'web' }));
    assert.equal(UserPoolClient!.ClientId, 'taggedwebclient');
    const other = await client.send(
      new CreateUserPoolClientCommand({ UserPoolId: 'us-east-1_Tagged1', ClientName: 'other', GenerateSecret: true, ClientSecret: 'customsecretcustomsecret123' }),
    );
    assert.match(other.UserPoolClient!.ClientId!, /^[a-z0-9]{26}$/);
    assert.equal(other.UserPoolClient!.ClientSecret, 'customsecretcustomsecret123');
    const described = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: 'us-east-1_Tagged1', ClientId: other.UserPoolClient!.ClientId! }));
    assert.equal(described.UserPoolClient!.ClientSecret, 'customsecretcustomsecret123');
    await rejectsWith(
      client.send(new CreateUserPoolClientCommand({ UserPoolId: 'us-east-1_Tagged1', ClientName: 'web' })),
      'InvalidParameterException',
      'An app client with id taggedwebclient already exists.',
    );
    await rejectsWith(
      client.send(new CreateUserPoolCommand({ PoolName: 'again', UserPoolTags: { 'cognate:id': 'us-east-1_Tagged1' } })),
      'InvalidParameterException',
      'A user pool with id us-east-1_Tagged1 already exists.',
    );
    await rejectsWith(
      client.send(new CreateUserPoolCommand({ PoolName: 'bad', UserPoolTags: { 'cognate:id': 'us-west-2_Elsewhere' } })),
      'InvalidParameterException',
      /Tag cognate:id: 'us-west-2_Elsewhere' is in region us-west-2/,
    );
  });
});

describe('the documented format', { skip }, () => {
  test('docs/seed.example.json starts a server whose seeded user signs in', async () => {
    const server = await startServerProcess(['--db', ':memory:', '--seed', join(repoRoot, 'docs/seed.example.json')]);
    try {
      const { outcome } = await srpSignIn(server.url, 'us-east-1_Example1', 'examplewebclient', 'alice', 'Example-Password-1');
      assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
    } finally {
      await server.stop();
    }
  });

  test('the same seed written as YAML (COGNATE_SEED=file.yaml) starts the same server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cognate-seed-yaml-'));
    const file = join(dir, 'seed.yaml');
    writeFileSync(file, stringifyYaml(JSON.parse(readFileSync(join(repoRoot, 'docs/seed.example.json'), 'utf8'))));
    const server = await startServerProcess(['--db', ':memory:'], { COGNATE_SEED: file });
    try {
      const { outcome } = await srpSignIn(server.url, 'us-east-1_Example1', 'examplewebclient', 'alice', 'Example-Password-1');
      assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('docs/seed.schema.json lists the model\'s auth flows and OAuth flows', () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/seed.schema.json'), 'utf8'));
    const client = schema.$defs.client.properties;
    assert.deepEqual([...client.ExplicitAuthFlows.items.enum].sort(), [...getShape('ExplicitAuthFlowsType')!.enum!].sort());
    assert.deepEqual([...client.AllowedOAuthFlows.items.enum].sort(), [...getShape('OAuthFlowType')!.enum!].sort());
  });
});
