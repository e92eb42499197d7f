import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * Compact JWS with RS256 only (RFC 7515, RFC 7518 section 3.3). Written on node:crypto because the
 * hot path (every AccessToken operation) needs a synchronous verify without a library's overhead,
 * and because accepting exactly one algorithm is the simplest defence against `alg` confusion.
 */
export interface DecodedJwt {
  header: { alg?: unknown; kid?: unknown; typ?: unknown };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signs on the libuv thread pool, so two cores sign two tokens at once. */
export function signRs256(kid: string, payload: object, privateKey: KeyObject): Promise<string> {
  const signingInput = `${b64url(JSON.stringify({ kid, alg: 'RS256' }))}.${b64url(JSON.stringify(payload))}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput), privateKey, (err, signature) => {
      if (err) reject(err);
      else resolve(`${signingInput}.${signature.toString('base64url')}`);
    });
  });
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Splits and parses a compact JWS without trusting it; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

export function signatureValid(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), publicKey, jwt.signature);
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
