import type { Deps } from '../deps.js';
import type { PoolRecord, UserAttribute, UserRecord } from '../store/store.js';
import { prepareCode, VERIFY_PURPOSE, type CodeDeliveryDetails } from '../auth/codes.js';

/**
 * The verification codes an attribute update sends
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html):
 * for each of email and phone_number that the update changes to a non-empty value, is one the pool
 * auto-verifies (AutoVerifiedAttributes), and is left unverified by the update (an administrator may
 * set `*_verified` true in the same call), a code to the new value, through the custom message
 * trigger as `CustomMessage_UpdateUserAttribute`. The trigger runs here, before anything is written;
 * `commit` stores the codes and writes the messages to the outbox.
 */
export async function prepareAttributeUpdateCodes(
  deps: Pick<Deps, 'store' | 'clock' | 'log' | 'lambda' | 'config'>,
  pool: PoolRecord,
  user: UserRecord,
  after: UserAttribute[],
  options: { clientId?: string; clientMetadata?: Record<string, string> },
): Promise<{ deliveries: CodeDeliveryDetails[]; commit(): Promise<void> }> {
  const auto = (pool.settings.AutoVerifiedAttributes as string[] | undefined) ?? [];
  const value = (attributes: UserAttribute[], name: string) => attributes.find((a) => a.Name === name)?.Value;
  const updated = { ...user, attributes: after };
  const prepared: NonNullable<Awaited<ReturnType<typeof prepareCode>>>[] = [];
  for (const name of ['email', 'phone_number'] as const) {
    const now = value(after, name);
    if (!now || now === value(user.attributes, name) || !auto.includes(name)) continue;
    if (/^true$/i.test(value(after, `${name}_verified`) ?? '')) continue;
    const code = await prepareCode(deps, pool, updated, VERIFY_PURPOSE[name], { source: 'CustomMessage_UpdateUserAttribute', ...options });
    if (code) prepared.push(code);
  }
  return {
    deliveries: prepared.map((p) => p.delivery),
    commit: async () => {
      for (const p of prepared) await p.commit();
    },
  };
}
