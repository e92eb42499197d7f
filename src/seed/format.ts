/**
 * The seed file (docs/seed.md, docs/seed.schema.json): pools with fixed ids, their app clients,
 * groups and users, applied by `cognate serve --seed FILE` and written by `cognate seed export`.
 *
 * A pool or client entry is the CreateUserPool / CreateUserPoolClient request itself (without
 * UserPoolId), plus the fixed id and the entries below it, so every member means what the API
 * reference says. Every problem is reported with its path in the file:
 * `pools[0].clients[1].ExplicitAuthFlows[0]: ...`.
 */
import { base32Decode } from '../crypto/base32.js';
import { clientIdProblem, clientSecretProblem, poolIdProblem } from '../domain/fixedIds.js';
import { getOperation, getShape } from '../model/serviceModel.js';
import { validateInput } from '../model/validate.js';

export const SEED_VERSION = 1;

export interface SeedFile {
  version?: number;
  pools: SeedPool[];
}

export interface SeedPool {
  /** The pool's fixed id: `<region>_<letters and digits>`. */
  Id: string;
  PoolName: string;
  /** SetUserPoolMfaConfig's request without UserPoolId. */
  MfaConfig?: Record<string, unknown>;
  clients?: SeedClient[];
  groups?: SeedGroup[];
  users?: SeedUser[];
  /** The pool's prefix domain (CreateUserPoolDomain), served at /domains/<Domain>/. */
  Domain?: string;
  /** CreateResourceServer's requests without UserPoolId. */
  resourceServers?: Record<string, unknown>[];
  /** Any other member of CreateUserPool's request (Policies, Schema, UsernameAttributes, ...). */
  [member: string]: unknown;
}

export interface SeedClient {
  ClientId: string;
  /** The secret, as text; GenerateSecret is implied. */
  ClientSecret?: string;
  ClientName: string;
  [member: string]: unknown;
}

export interface SeedGroup {
  GroupName: string;
  Description?: string;
  Precedence?: number;
  RoleArn?: string;
}

export type SeedUserStatus = 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'UNCONFIRMED';

export interface SeedUser {
  Username: string;
  /** Default CONFIRMED. */
  status?: SeedUserStatus;
  /** Permanent for CONFIRMED and UNCONFIRMED, temporary for FORCE_CHANGE_PASSWORD. */
  password?: string;
  enabled?: boolean;
  attributes?: Record<string, string>;
  groups?: string[];
  /** A verified TOTP secret (base32), enabled and preferred. */
  totpSecret?: string;
}

/** A seed file that contradicts itself or the model; the message starts with the path in the file. */
export class SeedError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'SeedError';
  }
}

const STATUSES: SeedUserStatus[] = ['CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'UNCONFIRMED'];
const POOL_KEYS = new Set(['Id', 'MfaConfig', 'clients', 'groups', 'users', 'Domain', 'resourceServers']);
const RESOURCE_SERVER_KEYS = new Set(['Identifier', 'Name', 'Scopes']);
const CLIENT_KEYS = new Set(['ClientId', 'ClientSecret']);
const USER_KEYS = new Set(['Username', 'status', 'password', 'enabled', 'attributes', 'groups', 'totpSecret']);
const GROUP_KEYS = new Set(['GroupName', 'Description', 'Precedence', 'RoleArn']);

/** The member names of an operation's input shape. */
export function inputMembers(operation: string): Set<string> {
  const shape = getShape(getOperation(operation)!.input!.shape);
  return new Set(Object.keys(shape?.members ?? {}));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(cond: boolean, path: string, message: string): asserts cond {
  if (!cond) throw new SeedError(path, message);
}

/** `allowedOAuthScopes.1.member` (a model validation path) -> `AllowedOAuthScopes[1]`. */
function seedPath(base: string, modelPath: string): string {
  let out = base;
  for (const part of modelPath.split('.')) {
    if (part === 'member' || part === '') continue;
    out += /^\d+$/.test(part) ? `[${part}]` : `.${part[0]!.toUpperCase()}${part.slice(1)}`;
  }
  return out;
}

/**
 * Validates `request` as the input of `operation`, as the server does for a request on the wire;
 * the model's messages are rewritten to name paths in the file. Unknown members are refused (the
 * wire ignores them; in a file they are typos).
 */
export function checkRequest(operation: string, request: Record<string, unknown>, path: string): void {
  const members = inputMembers(operation);
  for (const key of Object.keys(request)) {
    need(members.has(key), `${path}.${key}`, `not a member of ${operation}'s request, nor of the seed format (docs/seed.md)`);
  }
  try {
    validateInput(operation, request);
  } catch (err) {
    const text = (err as Error).message.replace(/at '([^']*)'/g, (_m, p: string) => `at ${seedPath(path, p)}`);
    const first = /at (\S+?)(?: failed|$|;)/.exec(text)?.[1];
    throw new SeedError(first ?? path, text);
  }
}

/** Splits an entry into the seed's own keys and the request's members. */
function split(entry: Record<string, unknown>, own: Set<string>): [Record<string, unknown>, Record<string, unknown>] {
  const mine: Record<string, unknown> = {};
  const request: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) (own.has(k) ? mine : request)[k] = v;
  return [mine, request];
}

export interface CheckedPool {
  path: string;
  id: string;
  /** CreateUserPool's request. */
  request: Record<string, unknown>;
  mfa?: { path: string; request: Record<string, unknown> };
  clients: { path: string; id: string; secret?: string; request: Record<string, unknown> }[];
  groups: { path: string; request: Record<string, unknown> }[];
  users: (SeedUser & { path: string })[];
  /** CreateUserPoolDomain's request. */
  domain?: { path: string; request: Record<string, unknown> };
  resourceServers: { path: string; request: Record<string, unknown> }[];
}

/**
 * Checks a parsed seed file: shapes, fixed ids, model constraints of every request it stands for,
 * and its own consistency (duplicates, groups that are not listed, TOTP in a pool without TOTP).
 * Rules that need the pool (password policy, attribute names) are checked when it is applied.
 */
export function checkSeed(seed: unknown, region: string): CheckedPool[] {
  need(isObject(seed), '$', 'a seed file is a JSON object with a "pools" list');
  for (const key of Object.keys(seed)) need(['$schema', 'version', 'pools'].includes(key), key, 'unknown member ($schema, version, pools)');
  need(seed.version === undefined || seed.version === SEED_VERSION, 'version', `must be ${SEED_VERSION}`);
  need(Array.isArray(seed.pools), 'pools', 'must be a list');
  const poolIds = new Set<string>();
  const clientIds = new Set<string>();
  return seed.pools.map((entry: unknown, p: number) => {
    const path = `pools[${p}]`;
    need(isObject(entry), path, 'must be an object');
    const [mine, request] = split(entry, POOL_KEYS);
    need(typeof mine.Id === 'string', `${path}.Id`, 'a fixed pool id is required (a seed names what it makes)');
    const problem = poolIdProblem(mine.Id, region);
    need(problem === undefined, `${path}.Id`, problem!);
    need(!poolIds.has(mine.Id), `${path}.Id`, `${mine.Id} appears twice in the file`);
    poolIds.add(mine.Id);
    checkRequest('CreateUserPool', request, path);

    let mfa: CheckedPool['mfa'];
    if (mine.MfaConfig !== undefined) {
      need(isObject(mine.MfaConfig), `${path}.MfaConfig`, 'must be an object (SetUserPoolMfaConfig\'s request)');
      need(!('UserPoolId' in mine.MfaConfig), `${path}.MfaConfig.UserPoolId`, 'the pool is the one around it');
      const mfaRequest = { ...mine.MfaConfig, UserPoolId: mine.Id };
      checkRequest('SetUserPoolMfaConfig', mfaRequest, `${path}.MfaConfig`);
      mfa = { path: `${path}.MfaConfig`, request: mfaRequest };
    }
    const totpOn = (mfa?.request.SoftwareTokenMfaConfiguration as { Enabled?: boolean } | undefined)?.Enabled === true;

    const list = (key: string) => {
      const value = mine[key];
      if (value === undefined) return [];
      need(Array.isArray(value), `${path}.${key}`, 'must be a list');
      return value as unknown[];
    };

    const clients = list('clients').map((c, i) => {
      const cpath = `${path}.clients[${i}]`;
      need(isObject(c), cpath, 'must be an object');
      const [own, req] = split(c, CLIENT_KEYS);
      need(typeof own.ClientId === 'string', `${cpath}.ClientId`, 'a fixed client id is required');
      const idProblem = clientIdProblem(own.ClientId);
      need(idProblem === undefined, `${cpath}.ClientId`, idProblem!);
      need(!clientIds.has(own.ClientId), `${cpath}.ClientId`, `${own.ClientId} appears twice in the file`);
      clientIds.add(own.ClientId);
      if (own.ClientSecret !== undefined) {
        need(typeof own.ClientSecret === 'string', `${cpath}.ClientSecret`, 'must be text');
        const secretProblem = clientSecretProblem(own.ClientSecret);
        need(secretProblem === undefined, `${cpath}.ClientSecret`, secretProblem!);
        need(req.GenerateSecret !== false, `${cpath}.GenerateSecret`, 'false contradicts the ClientSecret given');
      }
      need(!('UserPoolId' in req), `${cpath}.UserPoolId`, 'the pool is the one around it');
      const request = { ...req, UserPoolId: mine.Id };
      checkRequest('CreateUserPoolClient', request, cpath);
      return { path: cpath, id: own.ClientId, ...(own.ClientSecret ? { secret: own.ClientSecret as string } : {}), request };
    });

    const groupNames = new Set<string>();
    const groups = list('groups').map((g, i) => {
      const gpath = `${path}.groups[${i}]`;
      need(isObject(g), gpath, 'must be an object');
      for (const key of Object.keys(g)) need(GROUP_KEYS.has(key), `${gpath}.${key}`, `unknown member (${[...GROUP_KEYS].join(', ')})`);
      need(typeof g.GroupName === 'string', `${gpath}.GroupName`, 'is required');
      need(!groupNames.has(g.GroupName), `${gpath}.GroupName`, `${g.GroupName} appears twice in the pool`);
      groupNames.add(g.GroupName);
      const request = { ...g, UserPoolId: mine.Id };
      checkRequest('CreateGroup', request, gpath);
      return { path: gpath, request };
    });

    const usernames = new Set<string>();
    const users = list('users').map((u, i) => {
      const upath = `${path}.users[${i}]`;
      need(isObject(u), upath, 'must be an object');
      for (const key of Object.keys(u)) need(USER_KEYS.has(key), `${upath}.${key}`, `unknown member (${[...USER_KEYS].join(', ')})`);
      need(typeof u.Username === 'string', `${upath}.Username`, 'is required');
      need(!usernames.has(u.Username), `${upath}.Username`, `${u.Username} appears twice in the pool`);
      usernames.add(u.Username);
      need(u.status === undefined || STATUSES.includes(u.status as SeedUserStatus), `${upath}.status`, `must be one of ${STATUSES.join(', ')}`);
      need(u.password === undefined || typeof u.password === 'string', `${upath}.password`, 'must be text');
      need(u.enabled === undefined || typeof u.enabled === 'boolean', `${upath}.enabled`, 'must be true or false');
      const attributes = u.attributes ?? {};
      need(isObject(attributes), `${upath}.attributes`, 'must be an object of attribute names to text values');
      for (const [name, value] of Object.entries(attributes)) {
        need(typeof value === 'string', `${upath}.attributes.${name}`, 'must be text');
        need(name !== 'sub', `${upath}.attributes.sub`, 'sub is given by the server');
      }
      const userGroups = u.groups ?? [];
      need(Array.isArray(userGroups), `${upath}.groups`, 'must be a list of group names');
      userGroups.forEach((name: unknown, j: number) => {
        need(typeof name === 'string' && groupNames.has(name), `${upath}.groups[${j}]`, `${String(name)} is not one of the pool's groups (${path}.groups)`);
      });
      if (u.totpSecret !== undefined) {
        need(typeof u.totpSecret === 'string', `${upath}.totpSecret`, 'must be base32 text');
        need(totpOn, `${upath}.totpSecret`, `the pool does not enable TOTP (${path}.MfaConfig.SoftwareTokenMfaConfiguration.Enabled)`);
        let bytes: Buffer | undefined;
        try {
          bytes = /^[A-Z2-7]+=*$/.test(u.totpSecret) ? base32Decode(u.totpSecret) : undefined;
        } catch {
          bytes = undefined;
        }
        need(bytes !== undefined && bytes.length >= 10, `${upath}.totpSecret`, 'must be upper-case base32 of at least 16 characters (80 bits)');
      }
      checkRequest('AdminCreateUser', {
        UserPoolId: mine.Id,
        Username: u.Username,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        ...(u.password !== undefined ? { TemporaryPassword: u.password } : {}),
      }, upath);
      return { ...(u as unknown as SeedUser), path: upath };
    });

    let domain: CheckedPool['domain'];
    if (mine.Domain !== undefined) {
      const domainRequest = { Domain: mine.Domain, UserPoolId: mine.Id };
      checkRequest('CreateUserPoolDomain', domainRequest, `${path}.Domain`);
      domain = { path: `${path}.Domain`, request: domainRequest };
    }
    const identifiers = new Set<string>();
    const resourceServers = list('resourceServers').map((r, i) => {
      const rpath = `${path}.resourceServers[${i}]`;
      need(isObject(r), rpath, 'must be an object');
      for (const key of Object.keys(r)) need(RESOURCE_SERVER_KEYS.has(key), `${rpath}.${key}`, `unknown member (${[...RESOURCE_SERVER_KEYS].join(', ')})`);
      need(typeof r.Identifier === 'string', `${rpath}.Identifier`, 'is required');
      need(!identifiers.has(r.Identifier), `${rpath}.Identifier`, `${r.Identifier} appears twice in the pool`);
      identifiers.add(r.Identifier);
      const request = { ...r, UserPoolId: mine.Id };
      checkRequest('CreateResourceServer', request, rpath);
      return { path: rpath, request };
    });

    return { path, id: mine.Id, request, ...(mfa ? { mfa } : {}), clients, groups, users, ...(domain ? { domain } : {}), resourceServers };
  });
}
