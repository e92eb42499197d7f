import type { Deps, Handler } from '../deps.js';
import { deviceConfigurationSetting } from '../auth/devices.js';
import { InvalidParameterException } from '../errors.js';
import { defaultPolicies } from '../domain/views.js';
import type { PoolRecord } from '../store/store.js';
import { changePool } from './common.js';
import { checkLambdaConfig } from '../triggers/lambdaConfig.js';
import { checkUserAttributeUpdateSettings } from '../users/attributeCodes.js';

/** Settings that only other operations change, or that cannot change after creation. */
const KEPT = ['SoftwareTokenMfaEnabled', 'SmsMfaEnabled', 'SmsAuthenticationMessage', 'UsernameAttributes', 'AliasAttributes', 'Schema', 'UsernameConfiguration'];

/**
 * UpdateUserPool replaces the pool's settings with the request's, as Cognito does; Cognate keeps
 * MfaConfiguration when the request omits it (docs/behaviour.md).
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    await changePool(deps, input.UserPoolId, (pool) => updatedPool(pool, input));
    return {};
  };

function updatedPool(pool: PoolRecord, input: Record<string, any>): PoolRecord {
  const { UserPoolId: _id, ...rest } = input;
  // UpdateUserPool replaces both settings: the request's own must agree.
  checkUserAttributeUpdateSettings(rest);
  const kept = Object.fromEntries(KEPT.filter((k) => pool.settings[k] !== undefined).map((k) => [k, pool.settings[k]]));
  const mfa = rest.MfaConfiguration ?? pool.settings.MfaConfiguration ?? 'OFF';
  if (mfa !== 'OFF' && !pool.settings.SoftwareTokenMfaEnabled && !rest.SmsConfiguration && !pool.settings.SmsMfaEnabled) {
    throw InvalidParameterException(
      'SMS configuration and Auto verification for phone_number are required when MFA is required/optional',
    );
  }
  return {
    ...pool,
    settings: {
      ...kept,
      ...rest,
      ...deviceConfigurationSetting(rest),
      Policies: { ...defaultPolicies, ...rest.Policies, PasswordPolicy: { ...defaultPolicies.PasswordPolicy, ...rest.Policies?.PasswordPolicy } },
      MfaConfiguration: mfa,
      ...(rest.LambdaConfig !== undefined ? { LambdaConfig: checkLambdaConfig(rest.LambdaConfig) } : {}),
    },
  };
}
