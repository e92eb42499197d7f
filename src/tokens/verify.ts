import { BoundedMap } from '../boundedMap.js';
import type { Deps } from '../deps.js';
import { NotAuthorizedException, PasswordResetRequiredException, UserNotFoundException, UserNotConfirmedException } from '../errors.js';
import type { ClientRecord, PoolRecord, SignInRecord, UserRecord } from '../store/store.js';
import { decodeJwt, signatureValid, type DecodedJwt } from './jwt.js';
import { ACCESS_SCOPE } from './issue.js';

export interface AccessTokenClaims {
  sub: string;
  username: string;
  client_id: string;
  origin_jti: string;
  scope: string;
  exp: number;
  iat: number;
  auth_time: number;
  [claim: string]: unknown;
}

/**
 * Tokens whose RS256 signature has been checked, decoded. A signing key never changes, so a token
 * that verified once always verifies; the cache saves the RSA operation and the decoding on every
 * request of a session. The key's existence and use, expiry, revocation and the user's state are
 * still checked every time. Frozen: the claims are shared between requests. Only the header and
 * the claims are kept: the signing input and the signature (a Buffer, which would pin a slab of
 * Node's buffer pool) are not needed once checked.
 */
type VerifiedJwt = Pick<DecodedJwt, 'header' | 'payload'>;
const verified = new BoundedMap<string, VerifiedJwt>(20_000);

function remember(token: string, jwt: DecodedJwt): void {
  verified.set(token, Object.freeze({ header: Object.freeze(jwt.header), payload: Object.freeze(jwt.payload) }));
}

export interface Authenticated {
  claims: AccessTokenClaims;
  pool: PoolRecord;
  user: UserRecord;
  /** The sign-in the token belongs to (its device, for ConfirmDevice). */
  signIn: SignInRecord;
  /** The token's app client when the store read it with the rest (AccessContext.client); undefined when not read. */
  client?: ClientRecord | null;
}

/**
 * Checks an AccessToken the way Cognito's user operations do, in this order, each failure with
 * Cognito's message: signature and shape ("Invalid Access Token"), token_use, expiry ("Access Token
 * has expired"), revocation ("Access Token has been revoked"), scope ("Access Token does not have
 * required scopes"), then the user's state. Sources: docs/behaviour.md, section "Access tokens".
 */
export async function authenticateAccessToken(
  deps: Pick<Deps, 'keys' | 'store' | 'clock'>,
  token: string,
  /** The scope the token must carry: the user operations' by default; the userInfo endpoint asks for `openid`. */
  requiredScope: string = ACCESS_SCOPE,
): Promise<Authenticated> {
  const invalid = () => NotAuthorizedException('Invalid Access Token');
  const known = verified.get(token);
  const decoded = known ? undefined : decodeJwt(token);
  const jwt: VerifiedJwt | undefined = known ?? decoded;
  if (!jwt || typeof jwt.header.kid !== 'string') throw invalid();
  const key = await deps.keys.publicKey(jwt.header.kid);
  // An ID token is signed with the pool's other key, so `use` refuses it before token_use does.
  if (!key || key.use !== 'access') throw invalid();
  if (decoded) {
    if (!signatureValid(decoded, key.key)) throw invalid();
    remember(token, decoded);
  }
  const claims = jwt.payload as AccessTokenClaims;
  if (
    claims.token_use !== 'access' ||
    typeof claims.iss !== 'string' ||
    !claims.iss.endsWith(`/${key.poolId}`) ||
    typeof claims.exp !== 'number' ||
    typeof claims.username !== 'string' ||
    typeof claims.origin_jti !== 'string'
  ) {
    throw invalid();
  }
  if (claims.exp * 1000 <= deps.clock.now()) throw NotAuthorizedException('Access Token has expired');

  const { signIn, pool, user, client } = await deps.store.getAccessContext(key.poolId, claims.username, claims.origin_jti);
  if (!pool) throw invalid();
  // A deleted user's sign-ins are gone with it: say the user is gone, not that the token was revoked.
  if (!user || user.sub !== claims.sub) throw UserNotFoundException('User does not exist.');
  if (!user.enabled) throw NotAuthorizedException('User is disabled.');
  if (!signIn || signIn.revokedAt !== null || signIn.username !== claims.username || signIn.sub !== user.sub) {
    throw NotAuthorizedException('Access Token has been revoked');
  }
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(requiredScope)) {
    throw NotAuthorizedException('Access Token does not have required scopes');
  }
  if (user.status === 'UNCONFIRMED') throw UserNotConfirmedException('User is not confirmed.');
  if (user.status === 'RESET_REQUIRED') throw PasswordResetRequiredException('Password reset required for the user');
  return { claims, pool, user, signIn, ...(client !== undefined && signIn.clientId === claims.client_id && { client }) };
}
