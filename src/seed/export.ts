/**
 * `cognate seed export --pool-id ID`: reads a pool from a running server with the AWS SDK
 * (Describe and List operations, so it works against any Cognito-compatible endpoint) and prints
 * it as a seed file (docs/seed.md). Client secrets are written only with --with-secrets. User
 * passwords and TOTP secrets cannot be exported: the server keeps only SRP verifiers and sealed
 * secrets, and the API never returns either.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { STANDARD_SCHEMA } from '../domain/schema.js';
import { callOperation, CliFailure, classifyError, type ClientOptions } from '../cli/cognitoIdp/client.js';
import { inputMembers, SEED_VERSION } from './format.js';

const help = `Usage: cognate seed export --pool-id ID [options]

Prints a pool of a running server as a seed file (JSON, docs/seed.md), for cognate serve --seed.

  --pool-id ID        the pool to export
  --with-secrets      include app client secrets (ClientSecret); left out by default
  --endpoint-url URL  the server (COGNATE_ENDPOINT, default http://127.0.0.1:9229)
  --region REGION     signing region (default: AWS_REGION, the profile's, or us-east-1)
  --profile NAME      credentials profile (local endpoints accept any signature)

Passwords and TOTP secrets cannot be exported: Cognate keeps neither in a form it can give back.
`;

const pick = (source: Record<string, unknown>, members: Set<string>, drop: string[] = []) =>
  Object.fromEntries(Object.entries(source).filter(([k, v]) => members.has(k) && !drop.includes(k) && v !== undefined && v !== null));

/** The seed entry of one pool, read through the API. */
export async function exportPool(poolId: string, withSecrets: boolean, options: ClientOptions): Promise<Record<string, unknown>> {
  const call = (op: string, params: Record<string, unknown>) => callOperation(op, params, options);
  const pool = (await call('DescribeUserPool', { UserPoolId: poolId })).UserPool as Record<string, unknown>;
  const entry: Record<string, unknown> = { Id: pool.Id, ...pick(pool, inputMembers('CreateUserPool'), ['MfaConfiguration']), PoolName: pool.Name };
  // CreateUserPool's Schema from DescribeUserPool's SchemaAttributes: the custom attributes, names
  // without their prefix, and the standard ones the pool changed.
  if (Array.isArray(pool.SchemaAttributes)) {
    const schema = (pool.SchemaAttributes as Record<string, unknown>[])
      .filter((a) => /^(dev:)?custom:/.test(String(a.Name)) || !isDeepStrictEqual(a, STANDARD_SCHEMA.find((s) => s.Name === a.Name)))
      .map((a) => ({ ...a, Name: String(a.Name).replace(/^(dev:)?custom:/, '') }));
    if (schema.length > 0) entry.Schema = schema;
  }
  const mfa = await call('GetUserPoolMfaConfig', { UserPoolId: poolId });
  entry.MfaConfig = pick(mfa, inputMembers('SetUserPoolMfaConfig'), ['UserPoolId']);

  if (typeof pool.Domain === 'string') entry.Domain = pool.Domain;
  const resourceServers: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const page = await call('ListResourceServers', { UserPoolId: poolId, MaxResults: 50, ...(token ? { NextToken: token } : {}) });
    for (const r of page.ResourceServers as Record<string, unknown>[]) resourceServers.push(pick(r, new Set(['Identifier', 'Name', 'Scopes'])));
    token = page.NextToken as string | undefined;
  } while (token);
  if (resourceServers.length > 0) entry.resourceServers = resourceServers;

  const clients: Record<string, unknown>[] = [];
  token = undefined;
  do {
    const page = await call('ListUserPoolClients', { UserPoolId: poolId, MaxResults: 60, ...(token ? { NextToken: token } : {}) });
    for (const summary of page.UserPoolClients as { ClientId: string }[]) {
      const client = (await call('DescribeUserPoolClient', { UserPoolId: poolId, ClientId: summary.ClientId })).UserPoolClient as Record<string, unknown>;
      clients.push({
        ClientId: client.ClientId,
        ...(withSecrets && client.ClientSecret ? { ClientSecret: client.ClientSecret } : {}),
        ...pick(client, inputMembers('CreateUserPoolClient'), ['UserPoolId', 'ClientSecret']),
        ...(client.ClientSecret ? { GenerateSecret: true } : {}),
      });
    }
    token = page.NextToken as string | undefined;
  } while (token);
  entry.clients = clients;

  const groups: Record<string, unknown>[] = [];
  token = undefined;
  do {
    const page = await call('ListGroups', { UserPoolId: poolId, Limit: 60, ...(token ? { NextToken: token } : {}) });
    for (const g of page.Groups as Record<string, unknown>[]) groups.push(pick(g, new Set(['GroupName', 'Description', 'Precedence', 'RoleArn'])));
    token = page.NextToken as string | undefined;
  } while (token);
  entry.groups = groups;

  const users: Record<string, unknown>[] = [];
  token = undefined;
  do {
    const page = await call('ListUsers', { UserPoolId: poolId, Limit: 60, ...(token ? { PaginationToken: token } : {}) });
    for (const u of page.Users as { Username: string; UserStatus: string; Enabled: boolean; Attributes?: { Name: string; Value: string }[] }[]) {
      const memberOf: string[] = [];
      let gt: string | undefined;
      do {
        const gp = await call('AdminListGroupsForUser', { UserPoolId: poolId, Username: u.Username, Limit: 60, ...(gt ? { NextToken: gt } : {}) });
        for (const g of gp.Groups as { GroupName: string }[]) memberOf.push(g.GroupName);
        gt = gp.NextToken as string | undefined;
      } while (gt);
      const status = ['CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'UNCONFIRMED'].includes(u.UserStatus) ? u.UserStatus : 'CONFIRMED';
      users.push({
        Username: u.Username,
        status,
        ...(u.Enabled === false ? { enabled: false } : {}),
        attributes: Object.fromEntries((u.Attributes ?? []).filter((a) => a.Name !== 'sub').map((a) => [a.Name, a.Value])),
        groups: memberOf,
      });
    }
    token = page.PaginationToken as string | undefined;
  } while (token);
  entry.users = users;
  return entry;
}

export async function runSeed(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(help);
    return command === undefined ? 252 : 0;
  }
  if (command !== 'export') {
    process.stderr.write(`${help}\ncognate seed: error: unknown command '${command}'\n`);
    return 252;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        'pool-id': { type: 'string' },
        'with-secrets': { type: 'boolean' },
        'endpoint-url': { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${help}\ncognate seed export: error: ${(err as Error).message}\n`);
    return 252;
  }
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  if (typeof values['pool-id'] !== 'string') {
    process.stderr.write(`${help}\ncognate seed export: error: --pool-id is required\n`);
    return 252;
  }
  const options: ClientOptions = {
    ...(typeof values['endpoint-url'] === 'string' ? { endpoint: values['endpoint-url'] } : {}),
    ...(typeof values.region === 'string' ? { region: values.region } : {}),
    ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
  };
  try {
    const pool = await exportPool(values['pool-id'], values['with-secrets'] === true, options);
    process.stdout.write(`${JSON.stringify({ version: SEED_VERSION, pools: [pool] }, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof CliFailure) {
      process.stderr.write(`cognate seed export: ${err.message}\n`);
      return err.exitCode;
    }
    const info = classifyError(err, options.endpoint ?? 'http://127.0.0.1:9229');
    const text = info.service ? `${info.service.code}: ${info.service.message}` : (info.connect ?? info.other);
    process.stderr.write(`cognate seed export: ${text}\n`);
    return 254;
  }
}
