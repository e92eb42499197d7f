/**
 * The managed login's cookies and its CSRF tokens.
 *
 * - `cognate-csrf`: a random secret of the browser, made when a page is first shown. Each form
 *   carries a token that is the HMAC of the login transaction (the authorize request's query) under
 *   that secret: a post is accepted only from a page this browser was shown for this transaction,
 *   compared in constant time. A page on another site can neither read the cookie nor the page.
 * - `cognate-session`: the managed-login session (1 hour, as Cognito's session cookies: "valid for
 *   1 hour", developer guide, ID token page), a bearer secret whose SHA-256 is the login_sessions row.
 *
 * Both are HttpOnly, SameSite=Lax and scoped to the domain's path (`/domains/<prefix>`), Secure when
 * the domain is served over https.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bytesEqual, decodeBase64UrlStrict } from '../crypto/constantTime.js';
import { randomBytesPooled } from '../crypto/random.js';

export const CSRF_COOKIE = 'cognate-csrf';
export const SESSION_COOKIE = 'cognate-session';
/** Cognito's managed-login session lasts an hour. */
export const LOGIN_SESSION_MS = 3_600_000;

/** The request's cookies; a name given twice keeps its first value (RFC 6265 section 5.4: the most specific path first). */
export function readCookies(req: Pick<IncomingMessage, 'headers'>): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** A Set-Cookie value for the domain at `domainUrl` (its path and whether it is https). */
export function setCookie(domainUrl: string, name: string, value: string, maxAgeSeconds?: number): string {
  const url = new URL(domainUrl);
  const parts = [`${name}=${value}`, `Path=${url.pathname.replace(/\/+$/, '') || '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  if (url.protocol === 'https:') parts.push('Secure');
  return parts.join('; ');
}

export const clearCookie = (domainUrl: string, name: string) => setCookie(domainUrl, name, '', 0);

/** A new random cookie secret: 32 bytes, base64url. */
export const newSecret = () => randomBytesPooled(32).toString('base64url');

/** A cookie secret as this module made it; anything else is no secret. */
export function validSecret(value: string | undefined): string | undefined {
  const bytes = value === undefined ? null : decodeBase64UrlStrict(value);
  return bytes !== null && bytes.length === 32 ? value : undefined;
}

/** The CSRF token of a login transaction for the browser holding `secret`. */
export function csrfToken(secret: string, transaction: string): string {
  return createHmac('sha256', Buffer.from(secret, 'base64url')).update(`csrf\n${transaction}`).digest('base64url');
}

/** Whether a posted token is the one this browser's page carried for this transaction (constant time). */
export function csrfMatches(secret: string | undefined, transaction: string, given: string | undefined): boolean {
  if (secret === undefined || given === undefined) return false;
  return bytesEqual(Buffer.from(csrfToken(secret, transaction)), Buffer.from(given));
}
