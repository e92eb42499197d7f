/**
 * The managed login's control plane through the AWS SDK: user pool domains, resource servers and
 * the OAuth settings of app clients, each refusal with Cognito's exception and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolDomainCommand,
  paginateListResourceServers,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { rejectsWith } from './support/fixtures.js';
import { useServer } from './support/server.js';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

let client: CognitoIdentityProviderClient;
useServer((_, c) => (client = c));

const newPool = async () => (await client.send(new CreateUserPoolCommand({ PoolName: 'oauth' }))).UserPool!.Id!;
const prefixFor = (poolId: string, tag: string) => `${tag}-${poolId.split('_')[1].toLowerCase()}`;
const missingPool = 'us-east-1_Missing0';

test('CreateUserPoolDomain, DescribeUserPoolDomain, DescribeUserPool.Domain, UpdateUserPoolDomain, DeleteUserPoolDomain', async () => {
  const poolId = await newPool();
  const domain = prefixFor(poolId, 'app');
  assert.deepEqual((await client.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription, {}, 'a free prefix');
  const created = await client.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
  assert.equal(created.ManagedLoginVersion, 1, 'the classic hosted UI unless asked');
  assert.deepEqual((await client.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription, {
    UserPoolId: poolId,
    AWSAccountId: '000000000000',
    Domain: domain,
    Status: 'ACTIVE',
    ManagedLoginVersion: 1,
  });
  assert.equal((await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.Domain, domain);

  const updated = await client.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain, ManagedLoginVersion: 2 }));
  assert.equal(updated.ManagedLoginVersion, 2);
  assert.equal((await client.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription!.ManagedLoginVersion, 2);
  assert.equal((await client.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }))).ManagedLoginVersion, 2, 'kept when absent');

  await client.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
  assert.deepEqual((await client.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription, {});
  assert.equal((await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.Domain, undefined);
  const other = await newPool();
  assert.equal((await client.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: domain, ManagedLoginVersion: 2 }))).ManagedLoginVersion, 2, 'free again, for any pool');
});

test('user pool domain refusals: taken, one per pool, reserved words, pattern, version, custom domains, unknown pool or domain', async () => {
  const poolId = await newPool();
  const other = await newPool();
  const domain = prefixFor(poolId, 'taken');
  await client.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
  await rejectsWith(client.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: domain })), 'InvalidParameterException', 'Domain already associated with another user pool');
  await rejectsWith(
    client.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `${domain}-2` })),
    'InvalidParameterException',
    'User pool already has a domain configured',
  );
  await rejectsWith(client.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain })), 'InvalidParameterException', 'User pool already has a domain configured');
  for (const [word, name] of [['aws', 'my-aws-app'], ['amazon', 'amazonish'], ['cognito', 'cognitoapp']]) {
    await rejectsWith(client.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: name })), 'InvalidParameterException', `Domain cannot contain reserved word: ${word}`);
  }
  for (const bad of ['Upper', '-dash', 'dash-', 'under_score', 'auth.example.com']) {
    await rejectsWith(client.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: bad })), 'InvalidParameterException', /at 'domain' failed to satisfy constraint/);
  }
  await rejectsWith(
    client.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: prefixFor(other, 'v'), ManagedLoginVersion: 3 })),
    'InvalidParameterException',
    'ManagedLoginVersion must be 1 or 2.',
  );
  await rejectsWith(
    client.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: prefixFor(other, 'c'), CustomDomainConfig: { CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' } })),
    'InvalidParameterException',
    /prefix domains only/,
  );
  await rejectsWith(client.send(new CreateUserPoolDomainCommand({ UserPoolId: missingPool, Domain: 'nobody-pool' })), 'ResourceNotFoundException');
  await rejectsWith(client.send(new UpdateUserPoolDomainCommand({ UserPoolId: other, Domain: domain, ManagedLoginVersion: 2 })), 'InvalidParameterException', 'No such domain or user pool exists.');
  await rejectsWith(client.send(new DeleteUserPoolDomainCommand({ UserPoolId: other, Domain: domain })), 'InvalidParameterException', 'No such domain or user pool exists.');
  await rejectsWith(client.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'never-created' })), 'InvalidParameterException', 'No such domain or user pool exists.');
  assert.equal((await client.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription!.UserPoolId, poolId, 'nothing changed');

  await client.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
  assert.deepEqual((await client.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription, {}, 'DeleteUserPool frees its domain');
});

test('resource servers: create, describe, list in pages, update replaces name and scopes, delete; refusals', async () => {
  const poolId = await newPool();
  const scopes = [
    { ScopeName: 'read', ScopeDescription: 'Read' },
    { ScopeName: 'write', ScopeDescription: 'Write' },
  ];
  const created = await client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'API', Scopes: scopes }));
  assert.deepEqual(created.ResourceServer, { UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'API', Scopes: scopes });
  assert.deepEqual((await client.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com' }))).ResourceServer, created.ResourceServer);
  const bare = await client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'bare', Name: 'Bare' }));
  assert.deepEqual(bare.ResourceServer!.Scopes, []);

  await rejectsWith(
    client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'bare', Name: 'Again' })),
    'InvalidParameterException',
    `bare already exists in user pool ${poolId}.`,
  );
  await rejectsWith(
    client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'dup', Name: 'Dup', Scopes: [scopes[0], scopes[0]] })),
    'InvalidParameterException',
    'Duplicate scope name: read',
  );
  await rejectsWith(
    client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'slash', Name: 'Slash', Scopes: [{ ScopeName: 'a/b', ScopeDescription: 'x' }] })),
    'InvalidParameterException',
  );
  await rejectsWith(client.send(new CreateResourceServerCommand({ UserPoolId: missingPool, Identifier: 'x', Name: 'X' })), 'ResourceNotFoundException');
  await rejectsWith(
    client.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'missing' })),
    'ResourceNotFoundException',
    `Resource server missing does not exist in user pool ${poolId}.`,
  );

  for (let i = 0; i < 5; i++) await client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: `api${i}`, Name: `API ${i}` }));
  const pages = [];
  for await (const page of paginateListResourceServers({ client, pageSize: 3 }, { UserPoolId: poolId })) pages.push(page.ResourceServers!.map((r) => r.Identifier));
  assert.deepEqual(pages, [['api0', 'api1', 'api2'], ['api3', 'api4', 'bare'], ['https://api.example.com']]);

  const updated = await client.send(
    new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'Renamed', Scopes: [{ ScopeName: 'admin', ScopeDescription: 'All' }] }),
  );
  assert.deepEqual(updated.ResourceServer, { UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'Renamed', Scopes: [{ ScopeName: 'admin', ScopeDescription: 'All' }] });
  const emptied = await client.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'Renamed' }));
  assert.deepEqual(emptied.ResourceServer!.Scopes, [], 'scopes left out are deleted');
  await rejectsWith(client.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'missing', Name: 'X' })), 'ResourceNotFoundException');

  await client.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'bare' }));
  await rejectsWith(client.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'bare' })), 'ResourceNotFoundException');
  await client.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
  await rejectsWith(client.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'api0' })), 'ResourceNotFoundException');
});

test('app client OAuth settings: stored and described as given, with Cognito defaults', async () => {
  const poolId = await newPool();
  await client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com/v1', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] }));
  const web: CreateUserPoolClientCommandInput = {
    UserPoolId: poolId,
    ClientName: 'web',
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code', 'implicit'],
    AllowedOAuthScopes: ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin', 'https://api.example.com/v1/read'],
    CallbackURLs: ['https://app.example.com/callback', 'http://localhost:3000/callback', 'myapp://signin'],
    LogoutURLs: ['https://app.example.com/'],
    DefaultRedirectURI: 'https://app.example.com/callback',
    SupportedIdentityProviders: ['COGNITO'],
  };
  const created = (await client.send(new CreateUserPoolClientCommand(web))).UserPoolClient!;
  for (const key of ['AllowedOAuthFlowsUserPoolClient', 'AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs', 'DefaultRedirectURI', 'SupportedIdentityProviders'] as const) {
    assert.deepEqual(created[key], web[key], key);
  }
  assert.deepEqual((await client.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId }))).UserPoolClient, created);

  const machine = (await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'machine',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['https://api.example.com/v1/read'],
    }),
  )).UserPoolClient!;
  assert.deepEqual(machine.AllowedOAuthFlows, ['client_credentials']);
  const plain = (await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'plain' }))).UserPoolClient!;
  assert.equal(plain.AllowedOAuthFlowsUserPoolClient, false);
  assert.equal(plain.AllowedOAuthFlows, undefined);
  // An update is checked against the client's secret (it keeps it).
  const again = await client.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: machine.ClientId, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['https://api.example.com/v1/read'] }));
  assert.equal(again.UserPoolClient!.ClientSecret, machine.ClientSecret);
});

test('app client OAuth settings: each refusal with its exception and message, on create and update', async () => {
  const poolId = await newPool();
  await client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'api', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] }));
  const publicClient = (await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'public' }))).UserPoolClient!;
  const base = { UserPoolId: poolId, ClientName: 'c', AllowedOAuthFlowsUserPoolClient: true };
  const code = { ...base, AllowedOAuthFlows: ['code' as const], AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://app.example.com/cb'] };
  const cases: [Partial<CreateUserPoolClientCommandInput>, string, string | RegExp][] = [
    [{ ...base, AllowedOAuthScopes: ['openid'] }, 'InvalidParameterException', 'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.'],
    [{ ...base, AllowedOAuthFlows: ['code'], CallbackURLs: ['https://a.example/cb'] }, 'InvalidParameterException', 'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.'],
    [{ ...base, GenerateSecret: true, AllowedOAuthFlows: ['client_credentials', 'code'], AllowedOAuthScopes: ['api/read'], CallbackURLs: ['https://a.example/cb'] }, 'InvalidOAuthFlowException', 'client_credentials flow can not be selected along with code flow or implicit flow.'],
    [{ ...base, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['api/read'] }, 'InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.'],
    [{ ...base, GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['openid', 'api/read'] }, 'InvalidOAuthFlowException', 'openid is not supported with client_credentials flow'],
    [{ ...code, AllowedOAuthScopes: ['openid', 'api/write'] }, 'ScopeDoesNotExistException', 'Invalid scope requested: api/write'],
    [{ ...code, AllowedOAuthScopes: ['openid', 'nothere/read'] }, 'ScopeDoesNotExistException', 'Invalid scope requested: nothere/read'],
    [{ ...code, AllowedOAuthScopes: ['superpowers'] }, 'ScopeDoesNotExistException', 'Invalid scope requested: superpowers'],
    [{ ...code, CallbackURLs: [] }, 'InvalidOAuthFlowException', 'CallbackUrls can not be empty when code flow or implicit flow is selected'],
    [{ ...code, CallbackURLs: ['http://app.example.com/cb'] }, 'InvalidParameterException', 'CallbackURLs member http://app.example.com/cb must use HTTPS unless its host is localhost.'],
    [{ ...code, CallbackURLs: ['https://app.example.com/cb#frag'] }, 'InvalidParameterException', 'CallbackURLs member https://app.example.com/cb#frag must not include a fragment.'],
    [{ ...code, CallbackURLs: ['/relative'] }, 'InvalidParameterException', 'CallbackURLs member /relative is not an absolute URI.'],
    [{ ...code, LogoutURLs: ['http://127.0.0.1/out'] }, 'InvalidParameterException', 'LogoutURLs member http://127.0.0.1/out must use HTTPS unless its host is localhost.'],
    [{ ...code, DefaultRedirectURI: 'https://elsewhere.example.com/cb' }, 'InvalidParameterException', 'DefaultRedirectURI must be one of the CallbackURLs.'],
    [{ ...code, SupportedIdentityProviders: ['COGNITO', 'Google'] }, 'InvalidParameterException', `The provider Google does not exist for User Pool ${poolId}`],
  ];
  for (const [input, name, message] of cases) {
    await rejectsWith(client.send(new CreateUserPoolClientCommand(input as CreateUserPoolClientCommandInput)), name, message);
    const { ClientName: _n, GenerateSecret: _g, ...update } = input;
    if (!input.GenerateSecret || /secret/.test(String(message))) {
      await rejectsWith(client.send(new UpdateUserPoolClientCommand({ ...update, UserPoolId: poolId, ClientId: publicClient.ClientId! } as never)), name, message);
    }
  }
  const described = (await client.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: publicClient.ClientId }))).UserPoolClient!;
  assert.equal(described.AllowedOAuthFlowsUserPoolClient, false, 'no refused update was written');
});
