/** The PostgreSQL store's column lists, shared by its per-domain statement modules. */

// Columns are named rather than `*`: a prepared statement keeps its result shape even if a later
// migration adds a column while this process runs.
export const POOL = 'id, name, settings, created_at, modified_at';
export const POOL_AS_P = POOL.split(', ').map((f) => `p.${f}`).join(', ');
export const KEY = 'kid, pool_id, key_use, private_jwk_sealed, public_jwk, created_at';
export const CLIENT = 'id, pool_id, name, secret_sealed, settings, created_at, modified_at';
export const CLIENT_AS_C = CLIENT.split(', ').map((f) => `c.${f}`).join(', ');
export const userFields = [
  'pool_id', 'username', 'sub', 'status', 'enabled', 'attributes', 'password_salt', 'password_verifier_sealed',
  'totp_secret_sealed', 'totp_pending_secret_sealed', 'totp_enabled', 'totp_friendly_device_name', 'sms_mfa_enabled',
  'preferred_mfa', 'pending_attributes', 'created_at', 'modified_at',
];
export const USER = userFields.join(', ');
export const USER_AS_U = userFields.map((f) => `u.${f}`).join(', ');
export const SESSION = 'id_hash, pool_id, client_id, username, challenge, context, created_at, expires_at, consumed_at, wrong_attempts';
export const SIGN_IN =
  'origin_jti, pool_id, client_id, username, sub, refresh_hash, auth_time, created_at, expires_at, revoked_at, device_key, device_group_key, scopes';
export const DEVICE =
  'pool_id, device_key, username, sub, group_key, salt, verifier_sealed, name, remembered, last_ip, created_at, modified_at, last_authenticated_at';
export const AUTHORIZATION_CODE =
  'code_hash, pool_id, client_id, username, sub, redirect_uri, scopes, code_challenge, code_challenge_method, nonce, state, auth_time, created_at, expires_at, consumed_at';
export const LOGIN_SESSION = 'id_hash, pool_id, username, sub, auth_time, created_at, expires_at';
export const GROUP = 'pool_id, name, description, role_arn, precedence, created_at, modified_at';
export const GROUP_AS_G = GROUP.split(', ').map((f) => `g.${f}`).join(', ');
export const OUTBOX = 'id, pool_id, username, channel, destination, purpose, message, subject, created_at';
