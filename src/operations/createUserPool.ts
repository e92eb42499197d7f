import type { Deps, Handler } from '../deps.js';
import { deviceConfigurationSetting } from '../auth/devices.js';
import { InvalidParameterException } from '../errors.js';
import { newPoolId } from '../domain/ids.js';
import { poolIdFromTags } from '../domain/fixedIds.js';
import { defaultPolicies, poolView } from '../domain/views.js';
import { buildSchema } from '../domain/schema.js';
import type { PoolSettings } from '../store/store.js';
import { KeyRing } from '../tokens/keys.js';
import { checkUsernameSettings } from '../users/usernames.js';
import { checkLambdaConfig } from '../triggers/lambdaConfig.js';
import { checkUserAttributeUpdateSettings } from '../users/attributeCodes.js';

/**
 * CreateUserPool. TOTP cannot be turned on here (the request has no field for it): a TOTP pool is
 * created OFF and then configured with SetUserPoolMfaConfig, as CloudFormation and CDK do.
 * A `cognate:id` tag fixes the pool's id (docs/seed.md); `fixedId` is the seed's way to do the same.
 */
export async function createPool(
  deps: Pick<Deps, 'store' | 'clock' | 'config' | 'sealer'>,
  input: any,
  fixedId?: string,
): Promise<{ UserPool: Record<string, unknown> }> {
  const { PoolName, ...rest } = input;
  checkUsernameSettings(rest);
  checkUserAttributeUpdateSettings(rest);
  // The whole schema is stored: standard attributes with the request's changes, and custom ones.
  const schema = buildSchema(rest.Schema);
  const mfa = rest.MfaConfiguration ?? 'OFF';
  if (mfa !== 'OFF' && !rest.SmsConfiguration) {
    throw InvalidParameterException(
      'SMS configuration and Auto verification for phone_number are required when MFA is required/optional',
    );
  }
  const now = deps.clock.now();
  const chosen = fixedId ?? poolIdFromTags(rest.UserPoolTags, deps.config.region);
  if (chosen !== undefined && (await deps.store.getPool(chosen))) {
    throw InvalidParameterException(`A user pool with id ${chosen} already exists.`);
  }
  const id = chosen ?? newPoolId(deps.config.region);
  const settings: PoolSettings = {
    ...rest,
    ...deviceConfigurationSetting(rest),
    Schema: schema,
    Policies: { ...defaultPolicies, ...rest.Policies, PasswordPolicy: { ...defaultPolicies.PasswordPolicy, ...rest.Policies?.PasswordPolicy } },
    MfaConfiguration: mfa,
    ...(rest.LambdaConfig !== undefined ? { LambdaConfig: checkLambdaConfig(rest.LambdaConfig) } : {}),
    // An SMS configuration at creation with MFA on turns SMS MFA on, as in Cognito.
    SmsMfaEnabled: mfa !== 'OFF',
  };
  const pool = { id, name: PoolName, settings, createdAt: now, modifiedAt: now };
  await deps.store.createPool(pool, await KeyRing.generatePoolKeys(id, deps.sealer, now));
  return { UserPool: poolView(pool, 0) };
}

export default (deps: Pick<Deps, 'store' | 'clock' | 'config' | 'sealer'>): Handler =>
  async (input) => createPool(deps, input);
