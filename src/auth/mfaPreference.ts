import type { Deps } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import type { PoolRecord, UserRecord, UserUpdate } from '../store/store.js';
import { attribute, poolMfaMode } from './mfa.js';

interface FactorSettings {
  Enabled?: boolean;
  PreferredMfa?: boolean;
}

export interface MfaPreferenceInput {
  SMSMfaSettings?: FactorSettings;
  SoftwareTokenMfaSettings?: FactorSettings;
  EmailMfaSettings?: FactorSettings;
}

/**
 * SetUserMFAPreference and AdminSetUserMFAPreference. Messages are Cognito's (amplify-js
 * USER_NOT_SETUP_SOFTWARE_TOKEN_MFA / USER_NOT_VERIFIED_SOFTWARE_TOKEN_MFA; aws-sdk-js-v3#4645).
 * A user cannot turn TOTP off while the pool requires MFA ("you can only set the type that your
 * user prefers", SoftwareTokenMfaSettingsType); an administrator can, which resets a lost
 * authenticator: the secret is removed and the user enrols again.
 */
export async function setMfaPreference(
  deps: Pick<Deps, 'store' | 'clock'>,
  pool: PoolRecord,
  user: UserRecord,
  input: MfaPreferenceInput,
  admin: boolean,
): Promise<void> {
  if (input.EmailMfaSettings?.Enabled) {
    throw InvalidParameterException('User does not have delivery config set to turn on EMAIL_OTP');
  }
  const update: UserUpdate = {};
  let preferred = user.preferredMfa;
  const totp = input.SoftwareTokenMfaSettings;
  if (totp) {
    const enable = totp.Enabled ?? totp.PreferredMfa === true;
    if (totp.PreferredMfa && totp.Enabled === false) {
      throw InvalidParameterException('Cannot prefer SOFTWARE_TOKEN_MFA without enabling it.');
    }
    if (enable) {
      if (!user.totpSecretSealed) {
        // A pending secret of a user whose TOTP is still enabled was made by a re-association that
        // dropped the verified one (immediate mode): the legacy service then answered "not set up"
        // (aws-amplify/amplify-js#3844). A first secret awaiting verification is "not verified".
        if (user.totpPendingSecretSealed && !user.totpEnabled) throw InvalidParameterException('User has not verified software token mfa');
        throw InvalidParameterException(
          admin ? 'User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA' : 'User has not set up software token mfa',
        );
      }
      update.totpEnabled = true;
      if (totp.PreferredMfa) preferred = 'SOFTWARE_TOKEN_MFA';
      else if (totp.PreferredMfa === false && preferred === 'SOFTWARE_TOKEN_MFA') preferred = null;
    } else if (totp.Enabled === false) {
      if (user.totpEnabled && !admin && poolMfaMode(pool) === 'ON') {
        throw InvalidParameterException('Cannot turn off software token MFA while MFA is required by the user pool.');
      }
      update.totpEnabled = false;
      if (preferred === 'SOFTWARE_TOKEN_MFA') preferred = null;
      if (admin) {
        update.totpSecretSealed = null;
        update.totpPendingSecretSealed = null;
        update.totpFriendlyDeviceName = null;
      }
    }
  }
  const sms = input.SMSMfaSettings;
  if (sms) {
    const enable = sms.Enabled ?? sms.PreferredMfa === true;
    if (enable) {
      if (!attribute(user, 'phone_number')) {
        throw InvalidParameterException('User does not have a phone_number set to turn on SMS MFA');
      }
      update.smsMfaEnabled = true;
      if (sms.PreferredMfa) preferred = 'SMS_MFA';
      else if (sms.PreferredMfa === false && preferred === 'SMS_MFA') preferred = null;
    } else if (sms.Enabled === false) {
      if (user.smsMfaEnabled && !admin && poolMfaMode(pool) === 'ON' && !(update.totpEnabled ?? user.totpEnabled)) {
        throw InvalidParameterException('Cannot turn off SMS MFA while MFA is required by the user pool.');
      }
      update.smsMfaEnabled = false;
      if (preferred === 'SMS_MFA') preferred = null;
    }
  }
  if (totp?.PreferredMfa && sms?.PreferredMfa) {
    throw InvalidParameterException('Only one MFA method can be preferred.');
  }
  update.preferredMfa = preferred;
  update.modifiedAt = deps.clock.now();
  await deps.store.updateUser(pool.id, user.username, update);
}
