import { createHash, randomUUID } from 'node:crypto';
import { issuerFor } from '../config.js';
import type { Deps, RequestContext } from '../deps.js';
import { internalError } from '../errors.js';
import type { ClientRecord, PoolRecord, UserRecord } from '../store/store.js';
import { isTrueValue } from '../domain/attributeValues.js';
import { signRs256 } from './jwt.js';
import { groupClaims } from './groupClaims.js';
import { randomBytesPooled } from '../crypto/random.js';
import { isTokenClaimAttribute, readableAttributes } from '../users/attributes.js';
import { applyTokenCustomization, runPreTokenGeneration, type TokenSource } from '../triggers/preTokenGeneration.js';

export interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  RefreshToken?: string;
  IdToken: string;
}

export const ACCESS_SCOPE = 'aws.cognito.signin.user.admin';

export const unitSeconds: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/**
 * Token lifetimes from the app client, with Cognito's defaults: access and ID 1 hour, refresh
 * 30 days (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html).
 */
export function tokenLifetimes(client: ClientRecord): { access: number; id: number; refresh: number } {
  const s = client.settings as Record<string, any>;
  const units = (s.TokenValidityUnits ?? {}) as Record<string, string>;
  const seconds = (value: unknown, unit: string | undefined, fallbackUnit: string, fallback: number) =>
    typeof value === 'number' ? value * unitSeconds[unit ?? fallbackUnit] : fallback;
  return {
    access: seconds(s.AccessTokenValidity, units.AccessToken, 'hours', 3600),
    id: seconds(s.IdTokenValidity, units.IdToken, 'hours', 3600),
    refresh: seconds(s.RefreshTokenValidity, units.RefreshToken, 'days', 30 * 86400),
  };
}

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * A refresh token is opaque to clients. Cognito's is a JWE (RSA-OAEP, A256GCM); ours has the same
 * five-part look with random contents, and only its SHA-256 is stored.
 */
function newRefreshToken(): string {
  const header = Buffer.from('{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}').toString('base64url');
  const part = (n: number) => randomBytesPooled(n).toString('base64url');
  return `${header}.${part(256)}.${part(12)}.${part(384)}.${part(16)}`;
}

/**
 * The user's attributes as ID token claims. Only standard and custom attribute names pass, so a
 * stored name can never shadow a claim Cognito sets (`cognito:groups`, `iss`, `aud`, `token_use`,
 * `exp` ...), even if one reached the store by another road than src/users/attributes.ts. Only
 * what the app client may read (its ReadAttributes), as in Cognito's ID tokens.
 */
function idTokenAttributes(client: ClientRecord, user: UserRecord): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const { Name, Value } of readableAttributes(client, user.attributes)) {
    if (!isTokenClaimAttribute(Name)) continue;
    // Cognito puts the *_verified attributes in ID tokens as JSON booleans.
    claims[Name] = Name.endsWith('_verified') ? isTrueValue(Value) : Value;
  }
  return claims;
}

export interface IssueRequest {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  ctx: RequestContext;
  /** Present on refresh: the sign-in whose auth_time and origin_jti the new tokens keep. */
  refreshOf?: { originJti: string; authTime: number };
  /** The pre token generation trigger's source: TokenGeneration_Authentication unless said (RefreshTokens on refresh). */
  source?: TokenSource;
  /** The request's ClientMetadata, for the pre token generation trigger. */
  clientMetadata?: Record<string, string>;
}

/** Signs the access and ID tokens and, on a new sign-in, records it with a new refresh token. */
export async function issueTokens(
  deps: Pick<Deps, 'keys' | 'store' | 'clock' | 'config' | 'lambda' | 'log'>,
  { pool, client, user, ctx, refreshOf, source, clientMetadata }: IssueRequest,
): Promise<AuthenticationResult> {
  // The user's groups as they are now (a refresh too): one indexed read per token pair.
  const [keys, groups] = await Promise.all([deps.keys.signingKeys(pool.id), deps.store.getUserGroups(pool.id, user.username)]);
  if (!keys) throw internalError();
  const claimsOfGroups = groupClaims(groups);
  // Before anything is written: a failing trigger leaves no sign-in behind.
  const custom = await runPreTokenGeneration(deps, {
    pool,
    client,
    user,
    source: source ?? (refreshOf ? 'TokenGeneration_RefreshTokens' : 'TokenGeneration_Authentication'),
    groups: claimsOfGroups,
    scopes: [ACCESS_SCOPE],
    ...(clientMetadata ? { clientMetadata } : {}),
  });
  const now = deps.clock.now();
  const iat = Math.floor(now / 1000);
  const lifetimes = tokenLifetimes(client);
  const originJti = refreshOf?.originJti ?? randomUUID();
  const authTime = refreshOf?.authTime ?? iat;
  const eventId = randomUUID();
  const iss = issuerFor(deps.config, ctx.baseUrl, pool.id);

  let refreshToken: string | undefined;
  if (!refreshOf) {
    refreshToken = newRefreshToken();
    await deps.store.createSignIn({
      originJti,
      poolId: pool.id,
      clientId: client.id,
      username: user.username,
      sub: user.sub,
      refreshHash: sha256Hex(refreshToken),
      authTime,
      createdAt: now,
      expiresAt: now + lifetimes.refresh * 1000,
      revokedAt: null,
    });
  }

  // Claim order and names follow Cognito's tokens (developer guide, "Using the access token").
  const access: Record<string, unknown> = {
    sub: user.sub,
    ...claimsOfGroups.access,
    iss,
    client_id: client.id,
    origin_jti: originJti,
    event_id: eventId,
    token_use: 'access',
    scope: ACCESS_SCOPE,
    auth_time: authTime,
    exp: iat + lifetimes.access,
    iat,
    jti: randomUUID(),
    username: user.username,
  };
  const id: Record<string, unknown> = {
    sub: user.sub,
    ...claimsOfGroups.id,
    ...idTokenAttributes(client, user),
    iss,
    'cognito:username': user.username,
    origin_jti: originJti,
    aud: client.id,
    event_id: eventId,
    token_use: 'id',
    auth_time: authTime,
    exp: iat + lifetimes.id,
    iat,
    jti: randomUUID(),
  };
  if (custom) applyTokenCustomization(custom, access, id);
  const [AccessToken, IdToken] = await Promise.all([
    signRs256(keys.access.kid, access, keys.access.key),
    signRs256(keys.id.kid, id, keys.id.key),
  ]);
  const result: AuthenticationResult = { AccessToken, ExpiresIn: lifetimes.access, TokenType: 'Bearer', IdToken };
  if (refreshToken) result.RefreshToken = refreshToken;
  return result;
}
