import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { userView } from '../domain/views.js';
import type { UserRecord, UserStatus } from '../store/store.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';

/**
 * ListUsers with Cognito's filter forms, `attribute = "value"` (exact) and `attribute ^= "value"`
 * (prefix), on the attributes Cognito allows.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html#cognito-user-pools-searching-for-users-using-listusers-api
 *
 * Every filter is answered from an index (docs/storage.md, "Indexes"): a page costs the same in a
 * pool of a thousand users as in one of a million, and the server never reads the pool to filter it.
 */
const ATTRIBUTES = new Set(['email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'sub']);
const FILTER = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

const STATUSES: UserStatus[] = [
  'ARCHIVED', 'COMPROMISED', 'CONFIRMED', 'EXTERNAL_PROVIDER', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED', 'UNCONFIRMED', 'UNKNOWN',
];
const ENABLED: [string, boolean][] = [['Disabled', false], ['Enabled', true]];

type Filter =
  | { kind: 'all' }
  | { kind: 'username'; value: string; prefix: boolean }
  | { kind: 'attribute'; name: string; value: string; prefix: boolean }
  /** cognito:user_status or status: the column values the filter matches, listed one after another. */
  | { kind: 'column'; column: 'status' | 'enabled'; values: (string | boolean)[] };

export function parseFilter(filter: string | undefined): Filter {
  if (!filter || !filter.trim()) return { kind: 'all' };
  const match = FILTER.exec(filter);
  if (!match) throw InvalidParameterException('Error while parsing filter.');
  const [, name, op, raw] = match;
  const value = raw.replace(/\\(.)/g, '$1');
  const prefix = op === '^=';
  const matches = (candidate: string) => (prefix ? candidate.startsWith(value) : candidate === value);
  if (name === 'username') return { kind: 'username', value, prefix };
  if (name === 'cognito:user_status') return { kind: 'column', column: 'status', values: STATUSES.filter(matches) };
  if (name === 'status') return { kind: 'column', column: 'enabled', values: ENABLED.filter(([text]) => matches(text)).map(([, on]) => on) };
  if (ATTRIBUTES.has(name)) return { kind: 'attribute', name, value, prefix };
  throw InvalidParameterException('Invalid search attribute: ' + name);
}

interface Listed {
  users: UserRecord[];
  /** Where the next page starts, as the pagination token carries it. */
  next?: string;
}

/** Cursors other than a plain username are JSON: the attribute listing's (value, username), the column listing's (value index, username). */
function readCursor<T>(cursor: string | undefined, valid: (v: any) => boolean): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(cursor);
    if (valid(value)) return value as T;
  } catch {
    // below
  }
  throw InvalidParameterException('Invalid pagination token.');
}

async function listPage(deps: Pick<Deps, 'store'>, poolId: string, filter: Filter, limit: number, cursor: string | undefined): Promise<Listed> {
  const { store } = deps;
  switch (filter.kind) {
    case 'all': {
      const page = await store.listUsers(poolId, limit, cursor);
      return { users: page.items, next: page.next };
    }
    case 'username': {
      if (!filter.prefix) {
        const user = cursor === undefined ? await store.getUser(poolId, filter.value) : undefined;
        return { users: user ? [user] : [] };
      }
      const page = await store.listUsersByUsernamePrefix(poolId, filter.value, limit, cursor);
      return { users: page.items, next: page.next };
    }
    case 'attribute': {
      const after = readCursor<{ value: string; username: string }>(cursor, (v) => typeof v?.value === 'string' && typeof v?.username === 'string');
      const page = await store.listUsersByAttribute(poolId, filter.name, filter.value, filter.prefix, limit, after);
      return { users: page.items, next: page.next && JSON.stringify(page.next) };
    }
    case 'column': {
      const at = readCursor<{ index: number; username: string }>(
        cursor,
        (v) => Number.isInteger(v?.index) && v.index >= 0 && typeof v?.username === 'string',
      ) ?? { index: 0, username: '' };
      const users: UserRecord[] = [];
      for (let i = at.index; i < filter.values.length; i++) {
        const page = await store.listUsersByStatus(poolId, filter.column, filter.values[i], limit - users.length, i === at.index ? at.username || undefined : undefined);
        users.push(...page.items);
        if (page.next !== undefined) return { users, next: JSON.stringify({ index: i, username: page.next }) };
        if (users.length === limit) {
          return i + 1 < filter.values.length ? { users, next: JSON.stringify({ index: i + 1, username: '' }) } : { users };
        }
      }
      return { users };
    }
  }
}

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const filter = parseFilter(input.Filter);
    // The model allows Limit 0; Cognito does not say what it means. Cognate reads it as "no limit
    // given" (60), so a paginator never loops on empty pages (docs/behaviour.md).
    const limit: number = input.Limit || 60;
    const { users, next } = await listPage(deps, input.UserPoolId, filter, limit, decodeCursor(input.PaginationToken));
    const wanted: string[] | undefined = input.AttributesToGet;
    const Users = users.map((user) => {
      const view = userView(user);
      if (wanted) view.Attributes = user.attributes.filter((a) => wanted.includes(a.Name));
      return view;
    });
    const token = encodeCursor(next);
    return { Users, ...(token ? { PaginationToken: token } : {}) };
  };
