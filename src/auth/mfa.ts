import { isTrueValue } from '../domain/attributeValues.js';
import type { PoolRecord, UserRecord } from '../store/store.js';

/**
 * Which MFA factors a pool offers and a user has, and what comes after the password step.
 * docs/behaviour.md ("How the challenge is chosen") explains each branch and its source.
 */
export type Factor = 'SOFTWARE_TOKEN_MFA' | 'SMS_MFA';

export const poolMfaMode = (pool: PoolRecord) => pool.settings.MfaConfiguration ?? 'OFF';
export const poolTotpEnabled = (pool: PoolRecord) => pool.settings.SoftwareTokenMfaEnabled === true;
export const poolSmsEnabled = (pool: PoolRecord) => pool.settings.SmsMfaEnabled === true;

export const attribute = (user: UserRecord, name: string) => user.attributes.find((a) => a.Name === name)?.Value;
/** A Boolean attribute is true in any letter case (src/domain/attributeValues.ts). */
export const attributeIsTrue = (user: UserRecord, name: string) => isTrueValue(attribute(user, name));

/** The factors a pool lets users set up, in Cognito's order. */
export function poolFactors(pool: PoolRecord): Factor[] {
  const factors: Factor[] = [];
  if (poolSmsEnabled(pool)) factors.push('SMS_MFA');
  if (poolTotpEnabled(pool)) factors.push('SOFTWARE_TOKEN_MFA');
  return factors;
}

/**
 * The factors that would challenge this user now. A verified TOTP token keeps working after the
 * pool turns TOTP off ("users who already set up TOTP can continue to use it", developer guide).
 */
export function userFactors(pool: PoolRecord, user: UserRecord): Factor[] {
  const factors: Factor[] = [];
  if (user.smsMfaEnabled && poolSmsEnabled(pool) && attribute(user, 'phone_number')) factors.push('SMS_MFA');
  if (user.totpEnabled && user.totpSecretSealed) factors.push('SOFTWARE_TOKEN_MFA');
  return factors;
}

/** What GetUser reports: UserMFASettingList and PreferredMfaSetting. */
export function userMfaSettings(user: UserRecord): { UserMFASettingList?: string[]; PreferredMfaSetting?: string } {
  const list: string[] = [];
  if (user.smsMfaEnabled && attribute(user, 'phone_number')) list.push('SMS_MFA');
  if (user.totpEnabled && (user.totpSecretSealed || user.totpPendingSecretSealed)) list.push('SOFTWARE_TOKEN_MFA');
  const out: { UserMFASettingList?: string[]; PreferredMfaSetting?: string } = {};
  if (list.length) out.UserMFASettingList = list;
  if (user.preferredMfa) out.PreferredMfaSetting = user.preferredMfa;
  return out;
}

export type MfaStep =
  | { kind: 'none' }
  | { kind: 'setup'; canSetUp: Factor[] }
  | { kind: 'challenge'; factor: Factor }
  | { kind: 'select'; choices: Factor[] };

export function decideMfa(pool: PoolRecord, user: UserRecord): MfaStep {
  const mode = poolMfaMode(pool);
  if (mode === 'OFF') return { kind: 'none' };
  const factors = userFactors(pool, user);
  if (factors.length === 0) {
    return mode === 'ON' ? { kind: 'setup', canSetUp: poolFactors(pool) } : { kind: 'none' };
  }
  const preferred = factors.find((f) => f === user.preferredMfa);
  if (preferred) return { kind: 'challenge', factor: preferred };
  if (factors.length === 1) return { kind: 'challenge', factor: factors[0] };
  return { kind: 'select', choices: factors };
}
