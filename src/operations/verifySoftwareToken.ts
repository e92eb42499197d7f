import type { Deps, Handler } from '../deps.js';
import {
  EnableSoftwareTokenMFAException,
  NotAuthorizedException,
  SoftwareTokenMFANotFoundException,
} from '../errors.js';
import { matchTotp } from '../crypto/totp.js';
import { poolTotpEnabled } from '../auth/mfa.js';
import { SESSION_USED, createSession } from '../auth/session.js';
import { resolveCaller } from '../auth/tokenOrSession.js';
import { oneAttemptAtATime } from '../auth/attemptGate.js';
import { openTotpSecret, refundMfaAttempt, reserveMfaAttempt } from '../auth/totpSecrets.js';
import type { UserUpdate } from '../store/store.js';

const MISMATCH = 'Code mismatch and fail enable Software Token MFA';

/**
 * VerifySoftwareToken: RFC 6238 (HMAC-SHA1, 6 digits, 30 s, one step of skew either way) against
 * the secret AssociateSoftwareToken made. An accepted (user, time step) is never accepted again.
 * With an AccessToken the token becomes verified but not enabled (SetUserMFAPreference does that);
 * in the MFA_SETUP flow it becomes the user's enabled, preferred factor and the returned Session
 * completes the challenge (docs/behaviour.md, decision 5).
 */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock' | 'sealer' | 'config'>): Handler =>
  async (input) => {
    const caller = await resolveCaller(deps, input, ['MFA_SETUP_ASSOCIATED']);
    const { pool, user } = caller;
    if (!poolTotpEnabled(pool)) {
      throw SoftwareTokenMFANotFoundException('Software Token MFA has not been enabled by the userPool.');
    }
    if (!user.totpPendingSecretSealed) {
      throw SoftwareTokenMFANotFoundException('Software Token MFA has not been associated with the user.');
    }
    // Counted before the code is checked (the session's cap and the user's throttle); a wrong code
    // stays counted, an accepted step resets the user's count in the same statement.
    const session = caller.via === 'session' ? caller.record : undefined;
    const pending = user.totpPendingSecretSealed;
    // One answer of the user at a time (src/auth/attemptGate.ts): counted, checked, kept or given back.
    await oneAttemptAtATime(pool.id, user.username, async () => {
      await reserveMfaAttempt(deps, user, session);

      const now = deps.clock.now();
      const step = matchTotp(openTotpSecret(deps, user, pending), input.UserCode, now);
      if (step === null) throw EnableSoftwareTokenMFAException(MISMATCH);
      const update: UserUpdate = {
        totpSecretSealed: pending,
        totpPendingSecretSealed: null,
        totpFriendlyDeviceName: input.FriendlyDeviceName ?? null,
        modifiedAt: now,
      };
      if (caller.via === 'token') {
        // The step and the new secret in one statement: a replayed step changes nothing.
        if (!(await deps.store.consumeTotpStep(pool.id, user.username, step, update))) {
          await refundMfaAttempt(deps, user);
          throw EnableSoftwareTokenMFAException(MISMATCH);
        }
      } else {
        const outcome = await deps.store.completeTotpChallenge(caller.record.idHash, pool.id, user.username, step, now);
        if (outcome === 'session-used') {
          await refundMfaAttempt(deps, user);
          throw NotAuthorizedException(SESSION_USED);
        }
        if (outcome === 'step-used') {
          await refundMfaAttempt(deps, user, session);
          throw EnableSoftwareTokenMFAException(MISMATCH);
        }
        update.totpEnabled = true;
        if (!user.preferredMfa) update.preferredMfa = 'SOFTWARE_TOKEN_MFA';
        await deps.store.updateUser(pool.id, user.username, update);
      }
    });
    if (caller.via === 'token') return { Status: 'SUCCESS' };

    const Session = await createSession(deps, {
      poolId: pool.id,
      client: caller.client,
      username: user.username,
      sub: user.sub,
      challenge: 'MFA_SETUP_VERIFIED',
    });
    return { Status: 'SUCCESS', Session };
  };
