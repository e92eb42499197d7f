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
  /** A new sign-in in a pool that tracks devices (src/auth/devices.ts). */
  NewDeviceMetadata?: { DeviceKey: string; DeviceGroupKey: string };
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
    // Cognito puts the *_verified attributes in ID tokens as JSON booleans; a custom attribute's value
    // is always a string ("custom:isMember": "true", SchemaAttributeType in the API reference).
    claims[Name] = Name === 'email_verified' || Name === 'phone_number_verified' ? isTrueValue(Value) : Value;
  }
  return claims;
}

export interface IssueRequest {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  ctx: RequestContext;
  /**
   * The sign-in's device in a pool that tracks devices (src/auth/devices.ts): `device_key` in the
   * access token, recorded with the sign-in; a new one is returned as NewDeviceMetadata.
   */
  device?: { key: string; groupKey: string | null; isNew: boolean };
  /** Present on refresh: the sign-in whose auth_time, origin_jti and OAuth scopes the new tokens keep. */
  refreshOf?: { originJti: string; authTime: number; scopes?: string };
  /** A managed-login (OAuth 2.0) sign-in: src/managedLogin/tokens.ts. */
  oauth?: OAuthIssue;
  /** The pre token generation trigger's source: TokenGeneration_Authentication unless said (RefreshTokens on refresh). */
  source?: TokenSource;
  /** The request's ClientMetadata, for the pre token generation trigger. */
  clientMetadata?: Record<string, string>;
}

/**
 * What the OAuth endpoints add to a sign-in's tokens: `scope` in the access token as granted, and in
 * the ID token the authorize request's `nonce`, and `at_hash` (OpenID Connect Core 3.2.2.10, the
 * implicit flow), with the `auth_time` of the original authentication.
 */
export interface OAuthIssue {
  scopes: string[];
  nonce?: string | null;
  atHash?: boolean;
  authTime?: number;
}

/** at_hash: the left half of the SHA-256 of the access token, base64url (OpenID Connect Core 3.1.3.6). */
export const accessTokenHash = (accessToken: string) =>
  createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');

/** Signs the access and ID tokens and, on a new sign-in, records it with a new refresh token. */
export async function issueTokens(
  deps: Pick<Deps, 'keys' | 'store' | 'clock' | 'config' | 'lambda' | 'log'>,
  { pool, client, user, ctx, refreshOf, device, oauth, source, clientMetadata }: IssueRequest,
): Promise<AuthenticationResult> {
  // The user's groups as they are now (a refresh too): one indexed read per token pair.
  const [keys, groups] = await Promise.all([deps.keys.signingKeys(pool.id), deps.store.getUserGroups(pool.id, user.username)]);
  if (!keys) throw internalError();
  const claimsOfGroups = groupClaims(groups);
  // The OAuth scopes granted at the managed login, kept by refreshes; the API's sign-ins have none.
  const scopes = oauth ? oauth.scopes.join(' ') : refreshOf?.scopes;
  // Before anything is written: a failing trigger leaves no sign-in behind.
  const custom = await runPreTokenGeneration(deps, {
    pool,
    client,
    user,
    source: source ?? (refreshOf ? 'TokenGeneration_RefreshTokens' : oauth ? 'TokenGeneration_HostedAuth' : 'TokenGeneration_Authentication'),
    groups: claimsOfGroups,
    scope: scopes ?? ACCESS_SCOPE,
    ...(clientMetadata ? { clientMetadata } : {}),
  });
  const now = deps.clock.now();
  const iat = Math.floor(now / 1000);
  const lifetimes = tokenLifetimes(client);
  const originJti = refreshOf?.originJti ?? randomUUID();
  const authTime = refreshOf?.authTime ?? oauth?.authTime ?? iat;
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
      ...(device ? { deviceKey: device.key, deviceGroupKey: device.groupKey } : {}),
      ...(scopes !== undefined ? { scopes } : {}),
    });
  }

  // Claim order and names follow Cognito's tokens (developer guide, "Using the access token").
  const access: Record<string, unknown> = {
    sub: user.sub,
    ...(device ? { device_key: device.key } : {}),
    ...claimsOfGroups.access,
    iss,
    client_id: client.id,
    origin_jti: originJti,
    event_id: eventId,
    token_use: 'access',
    scope: scopes ?? ACCESS_SCOPE,
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
  let AccessToken: string;
  let IdToken: string;
  if (oauth?.nonce || oauth?.atHash) {
    // The ID token names the access token (at_hash) and the authorize request (nonce), after `iss`.
    AccessToken = await signRs256(keys.access.kid, access, keys.access.key);
    const extra: Record<string, string> = {};
    if (oauth.atHash) extra.at_hash = accessTokenHash(AccessToken);
    if (oauth.nonce) extra.nonce = oauth.nonce;
    IdToken = await signRs256(keys.id.kid, { ...id, ...extra }, keys.id.key);
  } else {
    [AccessToken, IdToken] = await Promise.all([
      signRs256(keys.access.kid, access, keys.access.key),
      signRs256(keys.id.kid, id, keys.id.key),
    ]);
  }
  const result: AuthenticationResult = { AccessToken, ExpiresIn: lifetimes.access, TokenType: 'Bearer', IdToken };
  if (refreshToken) result.RefreshToken = refreshToken;
  if (refreshToken && device?.isNew && device.groupKey) {
    result.NewDeviceMetadata = { DeviceKey: device.key, DeviceGroupKey: device.groupKey };
  }
  return result;
}
