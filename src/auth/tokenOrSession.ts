import type { Deps } from '../deps.js';
import { InvalidParameterException, NotAuthorizedException, UserNotFoundException } from '../errors.js';
import type { ClientRecord, PoolRecord, SessionRecord, UserRecord } from '../store/store.js';
import { authenticateAccessToken } from '../tokens/verify.js';
import { SESSION_INVALID, findSession, sessionIsFor } from './session.js';

export type Caller =
  | { via: 'token'; pool: PoolRecord; user: UserRecord }
  | { via: 'session'; pool: PoolRecord; user: UserRecord; record: SessionRecord; client: ClientRecord };

/**
 * AssociateSoftwareToken and VerifySoftwareToken take an access token or a session from the
 * MFA_SETUP flow, "but not both" (AWS CLI reference). Both or neither: InvalidParameterException.
 */
export async function resolveCaller(
  deps: Pick<Deps, 'store' | 'keys' | 'clock' | 'config'>,
  input: { AccessToken?: string; Session?: string },
  sessionChallenges: readonly string[],
): Promise<Caller> {
  if (input.AccessToken !== undefined && input.Session !== undefined) {
    throw InvalidParameterException('Provide either AccessToken or Session, not both.');
  }
  if (input.AccessToken !== undefined) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    return { via: 'token', pool, user };
  }
  if (input.Session === undefined) throw InvalidParameterException('Missing required parameter AccessToken or Session');
  const record = await findSession(deps, input.Session, sessionChallenges, undefined, deps.config.maxMfaAttemptsPerSession);
  const [pool, user, client] = await Promise.all([
    deps.store.getPool(record.poolId),
    deps.store.getUser(record.poolId, record.username),
    deps.store.getClient(record.clientId),
  ]);
  if (!pool || !client) throw NotAuthorizedException(SESSION_INVALID);
  if (!user) throw UserNotFoundException('User does not exist.');
  if (!sessionIsFor(record, user)) throw NotAuthorizedException(SESSION_INVALID);
  return { via: 'session', pool, user, record, client };
}
