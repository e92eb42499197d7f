import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { userView } from '../domain/views.js';
import type { UserRecord } from '../store/store.js';
import { decodeCursor, encodeCursor, loadPool } from './common.js';

/**
 * ListUsers with Cognito's filter forms, `attribute = "value"` (exact) and `attribute ^= "value"`
 * (prefix), on the attributes Cognito allows.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html#cognito-user-pools-searching-for-users-using-listusers-api
 */
const FILTERABLE = new Set([
  'username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username',
  'cognito:user_status', 'status', 'sub',
]);
const FILTER = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

type Predicate = (user: UserRecord) => boolean;

export function parseFilter(filter: string | undefined): Predicate {
  if (!filter || !filter.trim()) return () => true;
  const match = FILTER.exec(filter);
  if (!match) throw InvalidParameterException('Error while parsing filter.');
  const [, name, op, raw] = match;
  if (!FILTERABLE.has(name)) throw InvalidParameterException('Invalid search attribute: ' + name);
  const value = raw.replace(/\\(.)/g, '$1');
  const read = (user: UserRecord): string | undefined => {
    if (name === 'username') return user.username;
    if (name === 'cognito:user_status') return user.status;
    if (name === 'status') return user.enabled ? 'Enabled' : 'Disabled';
    return user.attributes.find((a) => a.Name === name)?.Value;
  };
  return (user) => {
    const actual = read(user);
    return actual !== undefined && (op === '=' ? actual === value : actual.startsWith(value));
  };
}

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const matches = parseFilter(input.Filter);
    // The model allows Limit 0; Cognito does not say what it means. Cognate reads it as "no limit
    // given" (60), so a paginator never loops on empty pages (docs/behaviour.md).
    const limit: number = input.Limit || 60;
    const found: UserRecord[] = [];
    let cursor = decodeCursor(input.PaginationToken);
    let more = true;
    while (found.length <= limit && more) {
      const page = await deps.store.listUsers(input.UserPoolId, 200, cursor);
      for (const user of page.items) if (matches(user)) found.push(user);
      cursor = page.next;
      more = page.next !== undefined;
    }
    const items = found.slice(0, limit);
    const wanted: string[] | undefined = input.AttributesToGet;
    const Users = items.map((user) => {
      const view = userView(user);
      if (wanted) view.Attributes = user.attributes.filter((a) => wanted.includes(a.Name));
      return view;
    });
    const next = found.length > limit ? encodeCursor(items[items.length - 1].username) : undefined;
    return { Users, ...(next ? { PaginationToken: next } : {}) };
  };
