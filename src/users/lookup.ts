import type { Deps } from '../deps.js';
import { UserNotFoundException } from '../errors.js';
import type { PoolRecord, UserAttribute, UserRecord } from '../store/store.js';
import { lookupKeys, usernameRules } from './usernames.js';

/**
 * Finding users by the names requests give (username, sub, sign-in attribute, alias), and the record
 * of a new user: domain logic that auth/, operations/ and import/ share.
 */

/** `pool`, when the caller has it, saves reading it again for a name that is not a username or sub. */
export async function loadUser(deps: Pick<Deps, 'store'>, poolId: string, username: string, pool?: PoolRecord): Promise<UserRecord> {
  const user = await findUser(deps, poolId, username, pool);
  if (!user) throw UserNotFoundException('User does not exist.');
  return user;
}

/**
 * A user named by username, or by an email or phone number the pool lets people sign in with
 * (UsernameAttributes / AliasAttributes), or by sub.
 */
export async function findUser(
  deps: Pick<Deps, 'store'>,
  poolId: string,
  name: string,
  pool?: PoolRecord,
): Promise<UserRecord | undefined> {
  const direct = await deps.store.getUser(poolId, name);
  if (direct) return direct;
  // Every look-up below is one index probe: an unknown name costs the same in any pool.
  const bySub = await deps.store.getUserBySub(poolId, name);
  if (bySub) return bySub;
  const loaded = pool ?? (await deps.store.getPool(poolId));
  if (!loaded) return undefined;
  // The lower-cased username (case-insensitive pools), the email or phone number of a
  // UsernameAttributes pool, a verified alias or preferred_username (src/users/usernames.ts).
  for (const key of lookupKeys(loaded, name)) {
    const found = await deps.store.getUserByKey(poolId, key.name, key.value);
    if (found) return found;
  }
  // Users with no keys, imported into a UsernameAttributes pool before import jobs wrote them (docs/behaviour.md), by their attribute.
  for (const attribute of usernameRules(loaded).usernameAttributes) {
    const found = await deps.store.findUsersByAttribute(poolId, attribute, name);
    if (found.length === 1) return found[0];
  }
  return undefined;
}

/** A user record with nothing set up yet; `sub` is a fresh UUID, as Cognito's. */
export function newUser(
  poolId: string,
  username: string,
  sub: string,
  attributes: UserAttribute[],
  status: UserRecord['status'],
  now: number,
): UserRecord {
  return {
    poolId,
    username,
    sub,
    status,
    enabled: true,
    attributes: [{ Name: 'sub', Value: sub }, ...attributes.filter((a) => a.Name !== 'sub')],
    passwordSalt: null,
    passwordVerifierSealed: null,
    totpSecretSealed: null,
    totpPendingSecretSealed: null,
    totpEnabled: false,
    totpFriendlyDeviceName: null,
    smsMfaEnabled: false,
    preferredMfa: null,
    createdAt: now,
    modifiedAt: now,
  };
}
