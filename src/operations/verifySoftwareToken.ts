import type { Deps, Handler } from '../deps.js';
import {
  EnableSoftwareTokenMFAException,
  NotAuthorizedException,
  SoftwareTokenMFANotFoundException,
  TooManyRequestsException,
} from '../errors.js';
import { matchTotp } from '../crypto/totp.js';
import { poolTotpEnabled } from '../auth/mfa.js';
import { SESSION_USED, createSession } from '../auth/session.js';
import { resolveCaller } from '../auth/tokenOrSession.js';
import { oneAttemptAtATime } from '../auth/attemptGate.js';
import { lockoutEndsAt } from '../auth/password.js';
import { MFA_THROTTLED, openTotpSecret, refundMfaAttempt, reserveMfaAttempt } from '../auth/totpSecrets.js';
import type { UserRecord, UserUpdate } from '../store/store.js';

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
    const pending = user.totpPendingSecretSealed;
    if (caller.via === 'token') {
      await verifyWithToken(deps, user, pending, input.UserCode, input.FriendlyDeviceName ?? null);
      return { Status: 'SUCCESS' };
    }
    // The MFA_SETUP session: counted before the code is checked (the session's cap and the user's
    // throttle), one answer of the user at a time (src/auth/attemptGate.ts); a wrong code stays
    // counted, an accepted step resets the user's count in the same transaction.
    const session = caller.record;
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
      const outcome = await deps.store.completeTotpChallenge(session.idHash, pool.id, user.username, step, now);
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
    });

    const Session = await createSession(deps, {
      poolId: pool.id,
      client: caller.client,
      username: user.username,
      sub: user.sub,
      challenge: 'MFA_SETUP_VERIFIED',
    });
    return { Status: 'SUCCESS', Session };
  };

/**
 * VerifySoftwareToken with an AccessToken. The code is checked first (one HMAC, synchronously), then
 * one conditional statement records the outcome and enforces the user's MFA throttle together: a
 * right code consumes its step and sets the new secret only while the user is not locked out, a wrong
 * one is counted only while not locked out (reserveMfaAttempt). No answer beyond the throttle's budget
 * tells a right code from a wrong one, as with the reservation before the check that the Session path
 * and sign-in use, at one write per request instead of two (docs/performance.md).
 */
async function verifyWithToken(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'config'>,
  user: UserRecord,
  pending: string,
  code: string,
  friendlyDeviceName: string | null,
): Promise<void> {
  await oneAttemptAtATime(user.poolId, user.username, async () => {
    const now = deps.clock.now();
    const step = matchTotp(openTotpSecret(deps, user, pending), code, now);
    if (step === null) {
      await reserveMfaAttempt(deps, user); // counts the wrong code, or throws TooManyRequestsException
      throw EnableSoftwareTokenMFAException(MISMATCH);
    }
    const update: UserUpdate = { totpSecretSealed: pending, totpPendingSecretSealed: null, totpFriendlyDeviceName: friendlyDeviceName, modifiedAt: now };
    // The step, the new secret and the cleared count in one statement: a replayed step changes nothing.
    if (await deps.store.consumeTotpStep(user.poolId, user.username, step, update, now)) return;
    const { count, lastAt } = await deps.store.getFailures(user.poolId, user.username, 'mfa');
    if (now < lockoutEndsAt(count, lastAt)) throw TooManyRequestsException(MFA_THROTTLED);
    throw EnableSoftwareTokenMFAException(MISMATCH);
  });
}
