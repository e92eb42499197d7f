/**
 * `cognate cognito-idp list-users | list-user-pools | list-user-pool-clients` page through results
 * as the AWS CLI does (automatic pagination, --max-items, --starting-token, --page-size,
 * --no-paginate), compared with the AWS CLI v1's output against the same server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeToken, encodeToken } from '../src/cli/cognitoIdp/paginate.js';
import { aws, awsCliMissing, builtCliMissing, cleanEnv, cognate, mapLimit, type RunResult } from './cli.support.js';
import { AdminCreateUserCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, startServerProcess, type ServerProcess } from './support/server.js';

test('resume tokens are botocore\'s: base64 of Python\'s json.dumps, old-style tokens still read', () => {
  assert.equal(encodeToken({ PaginationToken: 'Yg', boto_truncate_amount: 1 }), 'eyJQYWdpbmF0aW9uVG9rZW4iOiAiWWciLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==');
  assert.equal(Buffer.from(encodeToken({ NextToken: null, boto_truncate_amount: 2 }), 'base64').toString(), '{"NextToken": null, "boto_truncate_amount": 2}');
  assert.equal(Buffer.from(encodeToken({ NextToken: 'é' }), 'base64').toString(), '{"NextToken": "\\u00e9"}');
  assert.deepEqual(decodeToken('eyJQYWdpbmF0aW9uVG9rZW4iOiAiWWciLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==', 'PaginationToken'), { token: { PaginationToken: 'Yg' }, skip: 1 });
  assert.deepEqual(decodeToken('abc___3', 'NextToken'), { token: { NextToken: 'abc' }, skip: 3 });
  assert.deepEqual(decodeToken('garbage', 'NextToken'), { token: { NextToken: 'garbage' }, skip: 0 });
});

const skip = builtCliMissing() || awsCliMissing();

describe('pagination compared with the AWS CLI', { skip }, () => {
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let poolId: string;
  before(async () => {
    server = await startServerProcess(['--db', ':memory:']);
    env = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDCOGNATEPAGE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_DEFAULT_REGION: 'us-east-1' });
    const created = await cognate(['cognito-idp', 'create-user-pool', '--pool-name', 'paged', '--query', 'UserPool.Id', '--output', 'text', '--endpoint-url', server.url], env);
    poolId = created.stdout.trim();
    for (const name of ['other-1', 'other-2']) {
      await cognate(['cognito-idp', 'create-user-pool', '--pool-name', name, '--endpoint-url', server.url], env);
    }
    for (const client of ['web', 'ios', 'android']) {
      await cognate(['cognito-idp', 'create-user-pool-client', '--user-pool-id', poolId, '--client-name', client, '--endpoint-url', server.url], env);
    }
    await mapLimit(['ann', 'bob', 'cid', 'dee', 'eve'], 5, (name) =>
      cognate(['cognito-idp', 'admin-create-user', '--user-pool-id', poolId, '--username', name, '--message-action', 'SUPPRESS', '--endpoint-url', server.url], env),
    );
  });
  after(() => server?.stop());

  /** Exit statuses differ by design (Cognate follows AWS CLI v2's); output and messages must not. */
  const same = (mine: RunResult, theirs: RunResult, label: string) => {
    assert.equal(mine.stdout, theirs.stdout, `${label}: stdout`);
    assert.equal(mine.stderr, theirs.stderr, `${label}: stderr`);
    assert.equal(mine.code === 0, theirs.code === 0, `${label}: success`);
  };

  const cases: [string, string[]][] = [
    ['every page', ['list-users', '--user-pool-id', '@POOL', '--page-size', '2', '--query', 'Users[].Username']],
    ['every page, whole json', ['list-users', '--user-pool-id', '@POOL', '--page-size', '2', '--query', 'Users[].[Username,UserStatus,Enabled]']],
    ['--max-items mid-page', ['list-users', '--user-pool-id', '@POOL', '--page-size', '2', '--max-items', '3', '--query', '{U: Users[].Username, N: NextToken}']],
    ['--max-items on a page boundary', ['list-users', '--user-pool-id', '@POOL', '--page-size', '2', '--max-items', '2', '--query', '{U: Users[].Username, N: NextToken}']],
    ['--max-items in the first page', ['list-users', '--user-pool-id', '@POOL', '--max-items', '1', '--query', 'NextToken']],
    ['--starting-token into a page', ['list-users', '--user-pool-id', '@POOL', '--starting-token', encodeToken({ PaginationToken: null, boto_truncate_amount: 3 }), '--query', 'Users[].Username']],
    ['text, one page at a time', ['list-users', '--user-pool-id', '@POOL', '--page-size', '2', '--output', 'text', '--query', 'Users[].Username']],
    ['text with NEXTTOKEN', ['list-users', '--user-pool-id', '@POOL', '--page-size', '2', '--max-items', '3', '--output', 'text', '--query', 'Users[].[Username,Enabled]']],
    ['text, query on the token too', ['list-users', '--user-pool-id', '@POOL', '--max-items', '2', '--output', 'text', '--query', 'Users[].Username']],
    ['table', ['list-users', '--user-pool-id', '@POOL', '--page-size', '2', '--output', 'table', '--query', 'Users[].{Name: Username, Status: UserStatus}']],
    ['--limit turns paging off', ['list-users', '--user-pool-id', '@POOL', '--limit', '2', '--query', '[Users[].Username, NextToken]']],
    ['--no-paginate', ['list-users', '--user-pool-id', '@POOL', '--no-paginate', '--query', 'Users[].Username']],
    ['--no-paginate with a paging option', ['list-users', '--user-pool-id', '@POOL', '--no-paginate', '--page-size', '2']],
    ['--max-items 0', ['list-users', '--user-pool-id', '@POOL', '--max-items', '0', '--query', 'Users[].Username']],
    ['clients', ['list-user-pool-clients', '--user-pool-id', '@POOL', '--page-size', '1', '--max-items', '2', '--query', '{C: UserPoolClients[].ClientName, N: NextToken}']],
    ['pools: --max-results is required and turns paging off', ['list-user-pools', '--max-results', '2', '--query', 'UserPools[].Name']],
    ['pools from --cli-input-json', ['list-user-pools', '--cli-input-json', '{"MaxResults": 1}', '--max-items', '2', '--query', '[UserPools[].Name, NextToken]']],
  ];

  for (const [label, args] of cases) {
    test(label, async () => {
      const full = ['cognito-idp', ...args.map((a) => (a === '@POOL' ? poolId : a)), '--endpoint-url', server.url];
      const [mine, theirs] = await Promise.all([cognate(full, env), aws(full, env)]);
      same(mine, theirs, label);
    });
  }

  test('a resume token from one continues in the other', async () => {
    const first = await aws(['cognito-idp', 'list-users', '--user-pool-id', poolId, '--page-size', '2', '--max-items', '3', '--query', 'NextToken', '--endpoint-url', server.url], env);
    const token = JSON.parse(first.stdout) as string;
    const rest = ['cognito-idp', 'list-users', '--user-pool-id', poolId, '--starting-token', token, '--query', 'Users[].Username', '--output', 'text', '--endpoint-url', server.url];
    const [mine, theirs] = await Promise.all([cognate(rest, env), aws(rest, env)]);
    same(mine, theirs, 'continued');
    assert.equal(mine.stdout, 'dee\teve\n');
  });
});

describe('a pool of 130 users: automatic pagination over three pages of 60, as the AWS CLI does it', { skip }, () => {
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let poolId: string;
  const names = Array.from({ length: 130 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
  before(async () => {
    server = await startServerProcess(['--db', ':memory:']);
    env = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDCOGNATEPAGE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_DEFAULT_REGION: 'us-east-1' });
    const client = sdk(server.url);
    poolId = (await client.send(new CreateUserPoolCommand({ PoolName: 'big' }))).UserPool!.Id!;
    await mapLimit(names, 8, (Username) => client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: 'SUPPRESS' })));
  });
  after(() => server?.stop());
  const same = (mine: RunResult, theirs: RunResult, label: string) => {
    assert.equal(mine.stdout, theirs.stdout, `${label}: stdout`);
    assert.equal(mine.stderr, theirs.stderr, `${label}: stderr`);
    assert.equal(mine.code === 0, theirs.code === 0, `${label}: success`);
  };

  for (const [label, extra] of [
    ['every user, default page size', ['--query', 'Users[].Username']],
    ['every user, whole JSON without dates', ['--query', 'Users[].[Username, UserStatus, Enabled, Attributes[0].Name]']],
    ['--max-items 100, with its resume token', ['--max-items', '100', '--query', '{U: Users[].Username, N: NextToken}']],
    ['--page-size 25, text', ['--page-size', '25', '--output', 'text', '--query', 'Users[].Username']],
  ] as [string, string[]][]) {
    test(label, async () => {
      const full = ['cognito-idp', 'list-users', '--user-pool-id', poolId, ...extra, '--endpoint-url', server.url];
      const [mine, theirs] = await Promise.all([cognate(full, env), aws(full, env)]);
      same(mine, theirs, label);
      if (label.startsWith('every user, default')) assert.deepEqual(JSON.parse(mine.stdout), names);
    });
  }
});
