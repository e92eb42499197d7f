/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1, the only algorithm Cognito's software
 * token MFA uses (6 digits, 30 second period).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32Decode, base32Encode } from './base32.js';
import { randomBytesPooled } from './random.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** A new shared secret: 32 random bytes, Base32 without padding (52 characters). */
export function generateSecret(): string {
  return base32Encode(randomBytesPooled(32));
}

/** The RFC 6238 time step T = floor(unixSeconds / period). */
export function timeStep(nowMs: number, periodSeconds: number = TOTP_PERIOD_SECONDS): number {
  return Math.floor(nowMs / (periodSeconds * 1000));
}

/** RFC 4226 HOTP: HMAC-SHA1 over the 8-byte big-endian counter, dynamic truncation. */
export function hotp(key: Buffer, counter: number, digits: number = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('hotp: counter must be a non-negative safe integer');
  if (!Number.isInteger(digits) || digits < 1 || digits > 10) throw new RangeError('hotp: digits must be 1..10');
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return (binary % 10 ** digits).toString().padStart(digits, '0');
}

/** The TOTP code for a Base32 secret at a given time step. */
export function totpAt(secretBase32: string, step: number, digits: number = TOTP_DIGITS): string {
  return hotp(base32Decode(secretBase32), step, digits);
}

const SIX_DIGITS = /^[0-9]{6}$/;

/**
 * Checks a 6-digit code against the steps T-window .. T+window around nowMs and returns the
 * matching time step (so callers can refuse a step at or before the last one accepted), or null.
 * Candidates are tried closest first (T, then T-1 before T+1, ...) and compared with
 * timingSafeEqual. The search stops at the first match: which step matched is no secret (the
 * caller's own clock tells it), and a right code for the current step, the common case, then
 * costs one HMAC instead of three. A wrong code always costs every candidate.
 * A code that is not exactly six ASCII digits, or a secret that is not Base32, gives null.
 */
export function matchTotp(secretBase32: string, code: string, nowMs: number, window = 1): number | null {
  if (typeof code !== 'string' || !SIX_DIGITS.test(code)) return null;
  if (!Number.isInteger(window) || window < 0 || window > 10) throw new RangeError('matchTotp: window must be 0..10');
  let key: Buffer;
  try {
    key = base32Decode(secretBase32);
  } catch {
    return null;
  }
  const given = Buffer.from(code, 'ascii');
  const t = timeStep(nowMs);
  for (let d = 0; d <= window; d++) {
    for (const step of d === 0 ? [t] : [t - d, t + d]) {
      if (step < 0) continue;
      if (timingSafeEqual(Buffer.from(hotp(key, step, TOTP_DIGITS), 'ascii'), given)) return step;
    }
  }
  return null;
}
