import type { Deps } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import type { PoolRecord, UserRecord } from '../store/store.js';
import { checkAttributeWrite, type AttributeWriter } from './attributes.js';
import { syncUserKeys, usernameRules } from './usernames.js';

/**
 * DeleteUserAttributes and AdminDeleteUserAttributes: deleting is writing an empty value, so the
 * same rules apply (checkAttributeWrite: names of the pool, never sub, the writer's rights, no
 * immutable attribute, no required one). Deleting `email` or `phone_number` deletes its
 * `_verified` too, and the alias goes with it. The sign-in attribute of a UsernameAttributes pool
 * is not deleted (a choice: docs/behaviour.md). Names the user does not have change nothing.
 */
export async function deleteAttributes(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  writer: AttributeWriter,
  names: string[],
): Promise<void> {
  checkAttributeWrite(pool, writer, names.map((Name) => ({ Name, Value: '' })));
  const signIn = usernameRules(pool).usernameAttributes.find((name) => names.includes(name) && user.attributes.some((a) => a.Name === name));
  if (signIn) throw InvalidParameterException(`Attributes did not conform to the schema: ${signIn}: The attribute is required`);
  const gone = new Set(names);
  for (const name of ['email', 'phone_number']) if (gone.has(name)) gone.add(`${name}_verified`);
  const attributes = user.attributes.filter((a) => !gone.has(a.Name));
  if (attributes.length === user.attributes.length) return;
  const now = deps.clock.now();
  // A value pending for a deleted attribute goes with it.
  const pending = user.pendingAttributes?.filter((a) => !gone.has(a.Name));
  await syncUserKeys(deps.store, pool, user.username, user.attributes, attributes, now);
  await deps.store.updateUser(pool.id, user.username, {
    attributes,
    ...(pending && pending.length !== user.pendingAttributes!.length ? { pendingAttributes: pending } : {}),
    modifiedAt: now,
  });
}
