import type { Deps, Handler } from '../deps.js';
import { SoftwareTokenMFANotFoundException } from '../errors.js';
import { generateSecret } from '../crypto/totp.js';
import { poolTotpEnabled } from '../auth/mfa.js';
import { consumeSession, createSession } from '../auth/session.js';
import { resolveCaller } from '../auth/tokenOrSession.js';
import { sealTotpSecret } from '../auth/totpSecrets.js';

/**
 * AssociateSoftwareToken: a new TOTP secret (32 CSPRNG bytes, base32 without padding: 52
 * characters) for the user signed in with an AccessToken, or in the MFA_SETUP challenge with its
 * Session, which is then consumed and replaced by one for VerifySoftwareToken.
 *
 * "Calling AssociateSoftwareToken immediately disassociates the existing software token from the
 * user account" (AWS CLI reference): by default the verified secret is dropped here; with
 * totpReassociation 'on-verify' it stays until the new one is verified (newer AWS docs).
 */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock' | 'sealer' | 'config'>): Handler =>
  async (input) => {
    const caller = await resolveCaller(deps, input, ['MFA_SETUP']);
    const { pool, user } = caller;
    if (!poolTotpEnabled(pool)) {
      throw SoftwareTokenMFANotFoundException('Software Token MFA has not been enabled by the userPool.');
    }
    if (caller.via === 'session') await consumeSession(deps, caller.record);

    const SecretCode = generateSecret();
    await deps.store.updateUser(pool.id, user.username, {
      totpPendingSecretSealed: sealTotpSecret(deps, user, SecretCode),
      ...(deps.config.totpReassociation === 'immediate' ? { totpSecretSealed: null } : {}),
      modifiedAt: deps.clock.now(),
    });
    if (caller.via === 'token') return { SecretCode };

    const Session = await createSession(deps, {
      poolId: pool.id,
      client: caller.client,
      username: user.username,
      sub: user.sub,
      challenge: 'MFA_SETUP_ASSOCIATED',
    });
    return { SecretCode, Session };
  };
