import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import type { PoolRecord } from '../store/store.js';
import { changePool } from './common.js';
import { mfaConfigView } from './getUserPoolMfaConfig.js';

/**
 * SetUserPoolMfaConfig: the only way to turn on software-token MFA for a pool. Validation
 * messages are Cognito's (aws/aws-sdk-js#4186, lgallard/terraform-aws-cognito-user-pool#74).
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const updated = await changePool(deps, input.UserPoolId, (pool) => mfaConfigured(pool, input));
    return mfaConfigView(updated);
  };

function mfaConfigured(pool: PoolRecord, input: Record<string, any>): PoolRecord {
  const mode = input.MfaConfiguration ?? pool.settings.MfaConfiguration ?? 'OFF';
  const totp = input.SoftwareTokenMfaConfiguration?.Enabled ?? false;
  const sms = input.SmsMfaConfiguration !== undefined && input.SmsMfaConfiguration.SmsConfiguration !== undefined;
  if (input.SmsMfaConfiguration?.SmsAuthenticationMessage !== undefined &&
      !String(input.SmsMfaConfiguration.SmsAuthenticationMessage).includes('{####}')) {
    throw InvalidParameterException('SmsAuthenticationMessage must contain {####}.');
  }
  if (input.EmailMfaConfiguration !== undefined) {
    throw InvalidParameterException('Email MFA requires the Essentials feature plan and an email configuration, which Cognate does not provide.');
  }
  if (mode === 'OFF' && (totp || sms)) {
    throw InvalidParameterException("Invalid MFA configuration given, can't turn off MFA and configure an MFA together.");
  }
  if (mode !== 'OFF' && !totp && !sms) {
    throw InvalidParameterException("Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.");
  }
  return {
    ...pool,
    settings: {
      ...pool.settings,
      MfaConfiguration: mode,
      SoftwareTokenMfaEnabled: totp,
      SmsMfaEnabled: sms,
      ...(sms ? { SmsConfiguration: input.SmsMfaConfiguration.SmsConfiguration } : {}),
      ...(input.SmsMfaConfiguration?.SmsAuthenticationMessage
        ? { SmsAuthenticationMessage: input.SmsMfaConfiguration.SmsAuthenticationMessage }
        : {}),
    },
  };
}
