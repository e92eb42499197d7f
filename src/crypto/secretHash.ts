/**
 * Cognito's SECRET_HASH for app clients that have a secret:
 * Base64(HMAC-SHA256(key = clientSecret, message = username + clientId)).
 */
import { createHmac } from 'node:crypto';
import { bytesEqual, decodeBase64Strict } from './constantTime.js';

function mac(username: string, clientId: string, clientSecret: string): Buffer {
  return createHmac('sha256', Buffer.from(clientSecret, 'utf8'))
    .update(Buffer.from(username + clientId, 'utf8'))
    .digest();
}

export function computeSecretHash(username: string, clientId: string, clientSecret: string): string {
  return mac(username, clientId, clientSecret).toString('base64');
}

/**
 * Constant-time check of a client-supplied SECRET_HASH. Anything that is not strict padded
 * Base64 of exactly 32 bytes is false; never throws.
 */
export function secretHashMatches(given: string, username: string, clientId: string, clientSecret: string): boolean {
  if (typeof given !== 'string' || typeof username !== 'string' || typeof clientId !== 'string' || typeof clientSecret !== 'string') {
    return false;
  }
  const decoded = decodeBase64Strict(given);
  if (decoded === null || decoded.length !== 32) return false;
  return bytesEqual(decoded, mac(username, clientId, clientSecret));
}
