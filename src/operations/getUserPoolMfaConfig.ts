import type { Deps, Handler } from '../deps.js';
import type { PoolRecord } from '../store/store.js';
import { loadPool } from './common.js';

export function mfaConfigView(pool: PoolRecord): Record<string, unknown> {
  const s = pool.settings;
  return {
    ...(s.SmsMfaEnabled
      ? {
          SmsMfaConfiguration: {
            ...(s.SmsAuthenticationMessage ? { SmsAuthenticationMessage: s.SmsAuthenticationMessage } : {}),
            ...(s.SmsConfiguration ? { SmsConfiguration: s.SmsConfiguration } : {}),
          },
        }
      : {}),
    SoftwareTokenMfaConfiguration: { Enabled: s.SoftwareTokenMfaEnabled === true },
    MfaConfiguration: s.MfaConfiguration ?? 'OFF',
  };
}

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => mfaConfigView(await loadPool(deps, input.UserPoolId));
