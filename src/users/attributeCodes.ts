import type { Deps } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import type { PoolRecord, UserAttribute, UserRecord } from '../store/store.js';
import { prepareCode, takeCodeIssue, VERIFY_PURPOSE, type CodeDeliveryDetails } from '../auth/codes.js';
import { mergeAttributes } from './attributes.js';

const value = (attributes: UserAttribute[], name: string) => attributes.find((a) => a.Name === name)?.Value;
const isTrue = (text: string | undefined) => /^true$/i.test(text ?? '');

/** The attributes whose updates the pool holds until they are verified (UserAttributeUpdateSettings). */
export function requiresVerificationBeforeUpdate(pool: PoolRecord): string[] {
  const settings = pool.settings.UserAttributeUpdateSettings as { AttributesRequireVerificationBeforeUpdate?: unknown } | null | undefined;
  const names = settings?.AttributesRequireVerificationBeforeUpdate;
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}

/**
 * CreateUserPool and UpdateUserPool: every attribute whose updates wait for verification must be
 * one the pool verifies by a code (aws/aws-cli#7151 shows Cognito's refusal of UpdateUserPool).
 */
export function checkUserAttributeUpdateSettings(settings: { AutoVerifiedAttributes?: unknown; UserAttributeUpdateSettings?: unknown }): void {
  const held = requiresVerificationBeforeUpdate({ settings } as unknown as PoolRecord);
  const auto = Array.isArray(settings.AutoVerifiedAttributes) ? settings.AutoVerifiedAttributes : [];
  if (held.some((name) => !auto.includes(name))) {
    throw InvalidParameterException('All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes');
  }
}

/** The user as a code for a pending value sees it: the pending values in place of the current ones. */
export const withPendingValues = (user: UserRecord, pending: UserAttribute[]): UserRecord =>
  pending.length === 0 ? user : { ...user, attributes: mergeAttributes(user.attributes, pending) };

export interface AttributeUpdatePlan {
  /** The user's attributes after the update. */
  attributes: UserAttribute[];
  /** The pending values after the update; undefined when they do not change, [] when none is left. */
  pendingAttributes: UserAttribute[] | undefined;
  deliveries: CodeDeliveryDetails[];
  /** Stores the codes and writes their messages to the outbox; after the user is written. */
  commit(): Promise<void>;
}

/**
 * What an attribute update (UpdateUserAttributes, AdminUpdateUserAttributes) writes and the
 * verification codes it sends
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html):
 *
 * - email and phone_number changed to a non-empty value the pool auto-verifies (AutoVerifiedAttributes)
 *   and left unverified by the update (an administrator may set `*_verified` true in the same call) get
 *   a code to the new value, through the custom message trigger as `CustomMessage_UpdateUserAttribute`;
 * - when the pool also lists the attribute in AttributesRequireVerificationBeforeUpdate and the user's
 *   current value is verified, the new value is held pending: the attribute keeps its current value
 *   (and `*_verified`) until VerifyUserAttribute takes the code; a later update replaces the pending
 *   value, an update back to the current value (or a deletion) drops it;
 * - an administrator setting `*_verified` true while a value is pending applies the pending value.
 *
 * `countIssues` counts each code toward the hourly code-issue limit (takeCodeIssue), as
 * GetUserAttributeVerificationCode does. The trigger runs here, before anything is written.
 */
export async function planAttributeUpdate(
  deps: Pick<Deps, 'store' | 'clock' | 'log' | 'lambda' | 'config'>,
  pool: PoolRecord,
  user: UserRecord,
  updates: UserAttribute[],
  options: { by: 'user' | 'admin'; clientId?: string; clientMetadata?: Record<string, string>; countIssues?: boolean },
): Promise<AttributeUpdatePlan> {
  const auto = (pool.settings.AutoVerifiedAttributes as string[] | undefined) ?? [];
  const held = requiresVerificationBeforeUpdate(pool);
  const given = new Map(updates.map((a) => [a.Name, a.Value ?? '']));
  let attributes = mergeAttributes(user.attributes, updates);
  const pending = new Map((user.pendingAttributes ?? []).map((a) => [a.Name, a.Value]));
  const before = pending.size;
  let pendingChanged = false;
  const drop = (name: string) => {
    if (pending.delete(name)) pendingChanged = true;
  };
  const toSend: { name: 'email' | 'phone_number'; value: string }[] = [];
  for (const name of ['email', 'phone_number'] as const) {
    const current = value(user.attributes, name);
    const requested = value(attributes, name);
    const verifiedNow = given.has(`${name}_verified`) && isTrue(given.get(`${name}_verified`));
    if (!given.has(name) || requested === current) {
      // Unchanged. Restating the current value drops a pending one; an administrator marking the
      // attribute verified applies it.
      const waiting = pending.get(name);
      if (waiting !== undefined && options.by === 'admin' && verifiedNow && !given.has(name)) {
        attributes = mergeAttributes(attributes, [{ Name: name, Value: waiting }, { Name: `${name}_verified`, Value: 'true' }]);
        drop(name);
      } else if (given.has(name)) {
        drop(name);
      }
      continue;
    }
    drop(name);
    if (!requested) continue; // A deletion: nothing to verify.
    if (verifiedNow) continue; // Marked verified by the same call: written at once, no code.
    if (held.includes(name) && auto.includes(name) && current && isTrue(value(user.attributes, `${name}_verified`))) {
      // Held: the current value and its verification stay; the new one waits for its code.
      attributes = mergeAttributes(attributes, [
        { Name: name, Value: current },
        { Name: `${name}_verified`, Value: value(user.attributes, `${name}_verified`)! },
      ]);
      pending.set(name, requested);
      pendingChanged = true;
    }
    if (auto.includes(name)) toSend.push({ name, value: requested });
  }
  // Each code goes to the new value (held or written), and is bound to it (src/auth/codes.ts).
  const view = { ...user, attributes: mergeAttributes(attributes, toSend.map((s) => ({ Name: s.name, Value: s.value }))) };
  if (options.countIssues) for (const s of toSend) await takeCodeIssue(deps, pool.id, user.username, VERIFY_PURPOSE[s.name]);
  const prepared: NonNullable<Awaited<ReturnType<typeof prepareCode>>>[] = [];
  for (const s of toSend) {
    const code = await prepareCode(deps, pool, view, VERIFY_PURPOSE[s.name], {
      source: 'CustomMessage_UpdateUserAttribute',
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.clientMetadata ? { clientMetadata: options.clientMetadata } : {}),
    });
    if (code) prepared.push(code);
  }
  const pendingAttributes = pendingChanged || pending.size !== before ? [...pending].map(([Name, Value]) => ({ Name, Value })) : undefined;
  return {
    attributes,
    pendingAttributes,
    deliveries: prepared.map((p) => p.delivery),
    commit: async () => {
      for (const p of prepared) await p.commit();
    },
  };
}
