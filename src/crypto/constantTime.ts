/**
 * Small helpers shared by the crypto modules: constant-time comparison that never throws on
 * length mismatch, and strict Base64 / Base64url decoding (Node's decoder silently skips bad
 * characters, which must not be how attacker-supplied MACs are parsed).
 */
import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two byte strings. Unequal lengths answer false at once (the length
 * of a MAC is public); equal lengths are compared with crypto.timingSafeEqual.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Standard, padded Base64 (RFC 4648 §4) or null when the text is not exactly that. */
export function decodeBase64Strict(text: string): Buffer | null {
  if (typeof text !== 'string' || !BASE64_RE.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/** Unpadded Base64url (RFC 4648 §5) or null when the text is not exactly that. */
export function decodeBase64UrlStrict(text: string): Buffer | null {
  if (typeof text !== 'string' || !BASE64URL_RE.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64url');
}
