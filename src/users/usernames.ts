import { isEmail, isPhone } from '../domain/attributeValues.js';
import { randomUUID } from 'node:crypto';
import { AliasExistsException, InvalidParameterException } from '../errors.js';
import { mergeAttributes } from './attributes.js';
import type { PoolRecord, Store, UserAttribute, UserKey, UserKeyChanges } from '../store/store.js';

/**
 * Usernames and aliases (docs/behaviour.md, "Usernames and aliases"): a pool with
 * UsernameAttributes takes an email or phone number as the Username of SignUp and AdminCreateUser
 * and names the user with a generated UUID (its sub); a pool with AliasAttributes lets users sign in
 * with a verified email or phone number, or their preferred_username; a pool whose
 * UsernameConfiguration.CaseSensitive is false finds usernames in any case. The names a user is
 * found by besides its username are user keys (table user_keys), unique in the pool.
 */
export interface UsernameRules {
  usernameAttributes: string[];
  aliasAttributes: string[];
  caseSensitive: boolean;
}

export function usernameRules(pool: PoolRecord): UsernameRules {
  const s = pool.settings;
  const configuration = s.UsernameConfiguration as { CaseSensitive?: boolean } | undefined;
  return {
    usernameAttributes: (s.UsernameAttributes as string[] | undefined) ?? [],
    aliasAttributes: (s.AliasAttributes as string[] | undefined) ?? [],
    // The API's default when UsernameConfiguration is omitted is case-sensitive (the console's is not).
    caseSensitive: configuration?.CaseSensitive ?? true,
  };
}

/** Refuses pool settings Cognito refuses (CreateUserPool). */
export function checkUsernameSettings(settings: Record<string, unknown>): void {
  const u = (settings.UsernameAttributes as string[] | undefined) ?? [];
  const a = (settings.AliasAttributes as string[] | undefined) ?? [];
  if (u.length > 0 && a.length > 0) {
    throw InvalidParameterException('Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.');
  }
}

export { isEmail, isPhone };

/** The value a key is stored and looked up under: lower-cased in case-insensitive pools (phone numbers have no case). */
export function keyValue(rules: UsernameRules, name: string, value: string): string {
  return rules.caseSensitive || name === 'phone_number' ? value : value.toLowerCase();
}

const attr = (attributes: UserAttribute[], name: string) => attributes.find((a) => a.Name === name)?.Value;
const verified = (attributes: UserAttribute[], name: string) => attr(attributes, `${name}_verified`) === 'true';

export interface NewUserName {
  username: string;
  sub: string;
  attributes: UserAttribute[];
  /** Keys written with the user: a conflict on one of them refuses the user. */
  keys: UserKey[];
  /** Aliases the user takes from whoever holds them (ForceAliasCreation), after it is created. */
  movedKeys: UserKey[];
}

/**
 * The username, sub, attributes and keys of a user created as `given` (SignUp, AdminCreateUser).
 * `lookup` answers who holds a key now, for AliasExistsException.
 */
export async function nameNewUser(
  pool: PoolRecord,
  given: string,
  attributes: UserAttribute[],
  options: { forceAliasCreation?: boolean; holder: (key: UserKey) => Promise<boolean>; sub?: string },
): Promise<NewUserName> {
  const rules = usernameRules(pool);
  // `sub`: naming the same user again (after a pre sign-up trigger changed its attributes).
  const sub = options.sub ?? randomUUID();
  const keys: UserKey[] = [];
  const movedKeys: UserKey[] = [];
  if (rules.usernameAttributes.length > 0) {
    const email = rules.usernameAttributes.includes('email');
    const phone = rules.usernameAttributes.includes('phone_number');
    const name = email && isEmail(given) ? 'email' : phone && isPhone(given) ? 'phone_number' : undefined;
    if (!name) {
      throw InvalidParameterException(
        email && phone ? 'Username should be either an email or a phone number.' : email ? 'Username should be an email.' : 'Username should be a phone number.',
      );
    }
    const written = attr(attributes, name);
    if (written !== undefined && written !== given) {
      throw InvalidParameterException(
        name === 'email'
          ? 'User email should be empty or same as username, since username attribute is email.'
          : 'User phone number should be empty or same as username, since username attribute is phone_number.',
      );
    }
    const rest = attributes.filter((a) => a.Name !== name);
    keys.push({ name, value: keyValue(rules, name, given) });
    // The other sign-in attribute of an email-and-phone pool is a sign-in name too, unique as well.
    for (const other of rules.usernameAttributes) {
      const value = other === name ? undefined : attr(rest, other);
      if (value) keys.push({ name: other, value: keyValue(rules, other, value) });
    }
    return { username: sub, sub, attributes: [...rest, { Name: name, Value: given }], keys, movedKeys };
  }
  if (rules.aliasAttributes.includes('email') && isEmail(given)) {
    throw InvalidParameterException('Username cannot be of email format, since user pool is configured for email alias.');
  }
  if (rules.aliasAttributes.includes('phone_number') && isPhone(given)) {
    throw InvalidParameterException('Username cannot be of phone number format, since user pool is configured for phone number alias.');
  }
  if (!rules.caseSensitive) keys.push({ name: 'username', value: given.toLowerCase() });
  for (const name of rules.aliasAttributes) {
    const value = attr(attributes, name);
    if (value === undefined) continue;
    const key = { name, value: keyValue(rules, name, value) };
    if (name === 'preferred_username') {
      if (await options.holder(key)) throw AliasExistsException('An account with the preferred_username already exists.');
      keys.push(key);
      continue;
    }
    if (!verified(attributes, name)) continue;
    if (await options.holder(key)) {
      if (!options.forceAliasCreation) throw AliasExistsException(`An account with the ${name === 'email' ? 'email' : 'phone number'} already exists.`);
      movedKeys.push(key);
    } else {
      keys.push(key);
    }
  }
  return { username: given, sub, attributes, keys, movedKeys };
}

/**
 * The keys of a user written as it is (an imported user): the lower-cased username in a
 * case-insensitive pool, the email or phone number of a UsernameAttributes pool, verified email and
 * phone aliases and preferred_username of an AliasAttributes pool.
 */
export function userKeys(pool: PoolRecord, username: string, attributes: UserAttribute[]): UserKey[] {
  const rules = usernameRules(pool);
  const keys: UserKey[] = [];
  if (!rules.caseSensitive && rules.usernameAttributes.length === 0) keys.push({ name: 'username', value: username.toLowerCase() });
  for (const name of [...rules.usernameAttributes, ...rules.aliasAttributes]) {
    const value = attr(attributes, name);
    if (!value) continue;
    const strict = rules.usernameAttributes.includes(name) || name === 'preferred_username';
    if (strict || verified(attributes, name)) keys.push({ name, value: keyValue(rules, name, value) });
  }
  return keys;
}

/** The keys `name` may be looked up under, in order, besides the username itself and the sub. */
export function lookupKeys(pool: PoolRecord, name: string): UserKey[] {
  const rules = usernameRules(pool);
  const keys: UserKey[] = [];
  if (!rules.caseSensitive) keys.push({ name: 'username', value: name.toLowerCase() });
  for (const a of [...rules.usernameAttributes, ...rules.aliasAttributes]) {
    if (a === 'email' && !name.includes('@')) continue;
    if (a === 'phone_number' && !name.startsWith('+')) continue;
    keys.push({ name: a, value: keyValue(rules, a, name) });
  }
  return keys;
}

/** UsernameExistsException's message: Cognito names the email or phone number of a UsernameAttributes pool. */
export function existsMessage(pool: PoolRecord, named: NewUserName, fallback = 'User already exists'): string {
  const key = usernameRules(pool).usernameAttributes.length > 0 ? named.keys[0] : undefined;
  if (!key) return fallback;
  return `An account with the given ${key.name === 'email' ? 'email' : 'phone_number'} already exists.`;
}

/**
 * Keeps a user's keys in step with its attributes after they change (`before` → `after`): a verified
 * email or phone alias is held by its newest verifier (taken from another user unless `refuseTaken`,
 * then AliasExistsException), an unverified or changed one is let go; preferred_username and the
 * email or phone number of a UsernameAttributes pool stay unique (AliasExistsException). The keys
 * change in one store transaction, so of two concurrent updates to one unique value one gets it.
 */
export async function syncUserKeys(
  store: Pick<Store, 'getUser' | 'changeUserKeys' | 'updateUser'>,
  pool: PoolRecord,
  username: string,
  before: UserAttribute[],
  after: UserAttribute[],
  now: number,
  options: { refuseTaken?: boolean } = {},
): Promise<void> {
  const rules = usernameRules(pool);
  const names = [...rules.usernameAttributes, ...rules.aliasAttributes];
  const changes: UserKeyChanges = { release: [], claim: [], take: [] };
  for (const name of names) {
    const strict = rules.usernameAttributes.includes(name) || name === 'preferred_username';
    const held = (attributes: UserAttribute[]) => {
      const value = attr(attributes, name);
      if (value === undefined || value === '') return undefined;
      if (!strict && !verified(attributes, name)) return undefined;
      return { name, value: keyValue(rules, name, value) };
    };
    const old = held(before);
    const now = held(after);
    if (old?.value === now?.value) continue;
    if (old) changes.release.push(old);
    if (now) (strict || options.refuseTaken === true ? changes.claim : changes.take).push(now);
  }
  if (changes.release.length + changes.claim.length + changes.take.length === 0) return;
  await changeKeys(store, pool, username, changes, now);
}

const aliasExists = (key: UserKey) =>
  AliasExistsException(
    `An account with the ${key.name === 'phone_number' ? 'phone number' : key.name === 'email' ? 'email' : 'preferred_username'} already exists.`,
  );

/**
 * Gives `key` to `username`. A verified email or phone alias taken from another user leaves that
 * user's attribute unverified: they can no longer sign in with it (AdminCreateUser's
 * ForceAliasCreation: "The previous user will no longer be able to log in using that alias").
 */
export async function takeUserKey(
  store: Pick<Store, 'getUser' | 'changeUserKeys' | 'updateUser'>,
  pool: PoolRecord,
  key: UserKey,
  username: string,
  now: number,
): Promise<void> {
  await changeKeys(store, pool, username, { take: [key] }, now);
}

/**
 * The key changes in one store transaction (AliasExistsException when a claimed key is another
 * user's), then each previous holder of a taken email or phone alias unverified.
 */
async function changeKeys(
  store: Pick<Store, 'getUser' | 'changeUserKeys' | 'updateUser'>,
  pool: PoolRecord,
  username: string,
  changes: Partial<UserKeyChanges>,
  now: number,
): Promise<void> {
  const { refused, takenFrom } = await store.changeUserKeys(pool.id, username, changes);
  if (refused) throw aliasExists(refused);
  for (const taken of takenFrom) await unverifyPreviousHolder(store, pool, taken, now);
}

/** The previous holder of an email or phone alias, read again after the move, with `*_verified` false. */
async function unverifyPreviousHolder(
  store: Pick<Store, 'getUser' | 'updateUser'>,
  pool: PoolRecord,
  taken: { key: UserKey; username: string },
  now: number,
): Promise<void> {
  if (taken.key.name !== 'email' && taken.key.name !== 'phone_number') return;
  const holder = await store.getUser(pool.id, taken.username);
  const value = holder ? attr(holder.attributes, taken.key.name) : undefined;
  // Gone, or changed since: the flag would now be another value's.
  if (!holder || value === undefined || keyValue(usernameRules(pool), taken.key.name, value) !== taken.key.value) return;
  await store.updateUser(pool.id, holder.username, {
    attributes: mergeAttributes(holder.attributes, [{ Name: `${taken.key.name}_verified`, Value: 'false' }]),
    modifiedAt: now,
  });
}
