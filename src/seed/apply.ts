/**
 * Applies a checked seed file through the operation handlers, so that every rule of the API
 * (model constraints, password policy, attribute names, client settings) holds for seeded data
 * exactly as for data made with API calls. Existing pools, clients, groups and users of the file
 * are updated to match it ("the file wins", docs/seed.md); nothing the file does not name is
 * touched. Writes that would change only a modified date are skipped, so that applying the same
 * file twice changes nothing.
 */
import { schemaAttributes } from '../domain/schema.js';
import { isDeepStrictEqual } from 'node:util';
import type { Deps, Handler, RequestContext } from '../deps.js';
import { createHandlers } from '../app.js';
import { validateInput } from '../model/validate.js';
import { passwordMatches } from '../auth/password.js';
import { openTotpSecret, sealTotpSecret } from '../auth/totpSecrets.js';
import { clientSecret } from '../auth/client.js';
import { createPool } from '../operations/createUserPool.js';
import { createClient } from '../operations/createUserPoolClient.js';
import type { GroupRecord, Store, UserRecord, UserUpdate } from '../store/store.js';
import { checkSeed, inputMembers, SeedError, type CheckedPool } from './format.js';
import { parse as parseYaml } from 'yaml';

export interface SeedSummary {
  pools: number;
  clients: number;
  groups: number;
  users: number;
}

/** A store whose update calls are skipped when they would change nothing but the modified date. */
function quietStore(store: Store): Store {
  const quiet = Object.create(store) as Store;
  const same = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    const { modifiedAt: _a, ...x } = a;
    const { modifiedAt: _b, ...y } = b;
    return isDeepStrictEqual(JSON.parse(JSON.stringify(x)), JSON.parse(JSON.stringify(y)));
  };
  quiet.updatePool = async (pool, ifModifiedAt) => {
    const current = await store.getPool(pool.id);
    if (current && same(current as never, pool as never)) return true;
    return store.updatePool(pool, ifModifiedAt);
  };
  quiet.updateClient = async (client) => {
    const current = await store.getClient(client.id);
    if (current && same(current as never, client as never)) return;
    return store.updateClient(client);
  };
  quiet.updateUser = async (poolId, username, update) => {
    const current = await store.getUser(poolId, username);
    if (current) {
      const subset = Object.fromEntries(Object.keys(update).map((k) => [k, current[k as keyof UserRecord]]));
      if (same(subset, update as Record<string, unknown>)) return true;
    }
    return store.updateUser(poolId, username, update);
  };
  quiet.updateGroup = async (poolId, name, update) => {
    const current = await store.getGroup(poolId, name);
    if (current) {
      const subset = Object.fromEntries(Object.keys(update).map((k) => [k, current[k as keyof GroupRecord]]));
      const wanted = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
      const had = Object.fromEntries(Object.keys(wanted).map((k) => [k, subset[k]]));
      if (same(had, wanted)) return current;
    }
    return store.updateGroup(poolId, name, update);
  };
  return quiet;
}

/** Checks and applies a parsed seed file; throws SeedError naming the path of the first problem. */
export async function applySeed(deps: Deps, seed: unknown): Promise<SeedSummary> {
  const pools = checkSeed(seed, deps.config.region);
  const seedDeps: Deps = { ...deps, store: quietStore(deps.store) };
  const handlers = createHandlers(seedDeps);
  const ctx: RequestContext = { requestId: 'seed', baseUrl: '' };
  const call: Call = async (operation, request, path, byError) => {
    const handler = handlers.get(operation) as Handler;
    return at(path, () => handler(validateInput(operation, request), ctx), byError);
  };
  const summary: SeedSummary = { pools: 0, clients: 0, groups: 0, users: 0 };
  for (const pool of pools) {
    await applyPool(seedDeps, pool, call);
    summary.pools++;
    summary.clients += pool.clients.length;
    summary.groups += pool.groups.length;
    summary.users += pool.users.length;
  }
  return summary;
}

/** Runs `fn`, turning an API error into a SeedError at `path`. */
async function at<T>(path: string, fn: () => Promise<T>, byError: Record<string, string> = {}): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SeedError) throw err;
    const e = err as Error & { type?: string };
    const type = e.type ?? e.name;
    throw new SeedError(byError[type] ?? path, `${type}: ${e.message}`);
  }
}

/** Calls an operation's handler; an error becomes a SeedError at `path`, or at byError[its type]. */
type Call = (operation: string, request: Record<string, unknown>, path: string, byError?: Record<string, string>) => Promise<any>;

const pick = (request: Record<string, unknown>, members: Set<string>) =>
  Object.fromEntries(Object.entries(request).filter(([k]) => members.has(k)));

async function applyPool(deps: Deps, pool: CheckedPool, call: Call): Promise<void> {
  const existing = await deps.store.getPool(pool.id);
  if (!existing) {
    await at(pool.path, () => createPool(deps, validateInput('CreateUserPool', pool.request), pool.id));
  } else {
    // The file wins: UpdateUserPool with the file's members it accepts; the rest (Schema,
    // UsernameAttributes, AliasAttributes, ...) cannot change after creation and are compared.
    const update = pick(pool.request, inputMembers('UpdateUserPool'));
    for (const key of ['Schema', 'UsernameAttributes', 'AliasAttributes', 'UsernameConfiguration']) {
      const wanted = pool.request[key];
      // A Schema is compared as the whole schema it makes (src/domain/schema.ts).
      // UsernameConfiguration with its default (case-sensitive), as DescribeUserPool shows it.
      const configured = (v: unknown) => ({ CaseSensitive: true, ...(v as object | undefined) });
      const same = key === 'Schema'
        ? isDeepStrictEqual(schemaAttributes(wanted), schemaAttributes(existing.settings.Schema))
        : key === 'UsernameConfiguration'
          ? isDeepStrictEqual(configured(wanted), configured(existing.settings[key]))
          : isDeepStrictEqual(wanted, existing.settings[key]);
      if (wanted !== undefined && !same) {
        throw new SeedError(`${pool.path}.${key}`, `differs from the existing pool ${pool.id}'s, and cannot change after creation`);
      }
    }
    // PoolName is left out: UpdateUserPool would keep it among the settings, not rename the pool.
    const { PoolName: name, ...members } = update;
    await call('UpdateUserPool', { ...members, UserPoolId: pool.id }, pool.path);
    const latest = (await deps.store.getPool(pool.id))!;
    if (typeof name === 'string' && name !== latest.name) await deps.store.updatePool({ ...latest, name, modifiedAt: deps.clock.now() });
  }
  if (pool.mfa) await call('SetUserPoolMfaConfig', pool.mfa.request, pool.mfa.path);

  // Resource servers before the clients that name their scopes.
  for (const server of pool.resourceServers) {
    const current = await deps.store.getResourceServer(pool.id, server.request.Identifier as string);
    const wanted = { Name: server.request.Name, Scopes: server.request.Scopes ?? [] };
    if (current && isDeepStrictEqual({ Name: current.name, Scopes: current.scopes }, JSON.parse(JSON.stringify(wanted)))) continue;
    await call(current ? 'UpdateResourceServer' : 'CreateResourceServer', server.request, server.path);
  }
  if (pool.domain) {
    const current = await deps.store.getUserPoolDomainForPool(pool.id);
    if (current && current.domain !== pool.domain.request.Domain) {
      throw new SeedError(pool.domain.path, `the pool already has the domain ${current.domain} (DeleteUserPoolDomain it first)`);
    }
    if (!current) await call('CreateUserPoolDomain', pool.domain.request, pool.domain.path);
  }

  for (const client of pool.clients) {
    const current = await deps.store.getClient(client.id);
    const request = { ...client.request, ...(client.secret ? { GenerateSecret: true } : {}) };
    if (!current) {
      await at(client.path, () => createClient(deps, validateInput('CreateUserPoolClient', request), { id: client.id, secret: client.secret }));
      continue;
    }
    if (current.poolId !== pool.id) throw new SeedError(`${client.path}.ClientId`, `${client.id} is a client of another pool, ${current.poolId}`);
    const update = pick(request, inputMembers('UpdateUserPoolClient'));
    await call('UpdateUserPoolClient', { ...update, UserPoolId: pool.id, ClientId: client.id }, client.path);
    if (client.secret && clientSecret(deps, current) !== client.secret) {
      const latest = (await deps.store.getClient(client.id))!;
      await deps.store.updateClient({ ...latest, secretSealed: deps.sealer.seal(client.secret, `client/${client.id}`), modifiedAt: deps.clock.now() });
    }
  }

  for (const group of pool.groups) {
    const exists = await deps.store.getGroup(pool.id, group.request.GroupName as string);
    await call(exists ? 'UpdateGroup' : 'CreateGroup', group.request, group.path);
  }

  for (const user of pool.users) {
    const path = user.path;
    const status = user.status ?? 'CONFIRMED';
    const attributes = Object.entries(user.attributes ?? {}).map(([Name, Value]) => ({ Name, Value }));
    let record = await deps.store.getUser(pool.id, user.Username);
    if (!record) {
      await call('AdminCreateUser', {
        UserPoolId: pool.id,
        Username: user.Username,
        UserAttributes: attributes,
        MessageAction: 'SUPPRESS',
        ...(user.password !== undefined ? { TemporaryPassword: user.password } : {}),
      }, path, { InvalidPasswordException: `${path}.password`, InvalidParameterException: `${path}.attributes` });
    } else {
      const changed = attributes.filter((a) => record!.attributes.find((b) => b.Name === a.Name)?.Value !== a.Value);
      if (changed.length > 0) await call('AdminUpdateUserAttributes', { UserPoolId: pool.id, Username: user.Username, UserAttributes: changed }, `${path}.attributes`);
      if (user.password !== undefined && !(await passwordMatches(deps, record, user.password))) {
        await call('AdminSetUserPassword', { UserPoolId: pool.id, Username: user.Username, Password: user.password, Permanent: status !== 'FORCE_CHANGE_PASSWORD' }, `${path}.password`);
      }
    }
    record = (await deps.store.getUser(pool.id, user.Username))!;
    const update: UserUpdate = { status, enabled: user.enabled ?? true };
    if (user.totpSecret !== undefined) {
      let current: string | undefined;
      try {
        current = record.totpSecretSealed ? openTotpSecret(deps, record, record.totpSecretSealed) : undefined;
      } catch {
        current = undefined;
      }
      Object.assign(update, {
        ...(current === user.totpSecret ? {} : { totpSecretSealed: sealTotpSecret(deps, record, user.totpSecret) }),
        totpPendingSecretSealed: null,
        totpEnabled: true,
        preferredMfa: 'SOFTWARE_TOKEN_MFA',
      });
    }
    await deps.store.updateUser(pool.id, user.Username, { ...update, modifiedAt: deps.clock.now() });
    if (user.groups !== undefined) {
      const wanted = new Set(user.groups);
      for (const group of await deps.store.getUserGroups(pool.id, user.Username)) {
        if (!wanted.has(group.name)) await deps.store.removeUserFromGroup(pool.id, group.name, user.Username);
      }
      for (const name of wanted) {
        await call('AdminAddUserToGroup', { UserPoolId: pool.id, Username: user.Username, GroupName: name }, `${path}.groups`);
      }
    }
  }
}

/** Reads a seed file (JSON, or YAML by its extension) and applies it; errors name the file and the path in it. */
export async function applySeedFile(deps: Deps, file: string): Promise<SeedSummary> {
  const { readFileSync } = await import('node:fs');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`seed file ${file}: ${(err as Error).message}`);
  }
  // `.yaml` / `.yml` files are YAML (1.2, whose JSON schema reads the same values as JSON), others JSON.
  const yaml = /\.ya?ml$/i.test(file);
  let seed: unknown;
  try {
    seed = yaml ? parseYaml(text, { schema: 'core', uniqueKeys: true }) : JSON.parse(text);
  } catch (err) {
    throw new Error(`seed file ${file}: not ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
  try {
    return await applySeed(deps, seed);
  } catch (err) {
    if (err instanceof SeedError) throw new Error(`seed file ${file}: ${err.message}`);
    throw err;
  }
}
