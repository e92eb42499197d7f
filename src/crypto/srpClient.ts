/**
 * Client half of Cognito SRP, for tests and benchmarks only (the AWS SDK v3 has no SRP helper).
 * The math is the one amazon-cognito-identity-js uses; see srp.ts for the conventions.
 *
 *   const session = srpClientStart();                 // send session.AHex as SRP_A
 *   // ... InitiateAuth answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP
 *   const proof = srpClientProof(session, { poolName, userIdForSrp, password, saltHex, BHex, secretBlockB64 });
 *   // RespondToAuthChallenge with PASSWORD_CLAIM_SIGNATURE = proof.signatureB64, TIMESTAMP = proof.timestamp
 */
import { randomBytes } from 'node:crypto';
import {
  N,
  computeHkdfKey,
  computeSignature,
  computeU,
  computeX,
  formatSrpTimestamp,
  k,
  modPow,
  modPowG,
  parseHexInt,
} from './srp.js';

export interface SrpClientSession {
  /** The private value a (hex); keep it. */
  readonly aHex: string;
  /** A = g^a mod N (hex, no padding), the SRP_A auth parameter. */
  readonly AHex: string;
}

export interface SrpChallenge {
  poolName: string;
  /** USER_ID_FOR_SRP from the challenge parameters. */
  userIdForSrp: string;
  password: string;
  /** SALT */
  saltHex: string;
  /** SRP_B */
  BHex: string;
  /** SECRET_BLOCK (standard Base64) */
  secretBlockB64: string;
  /** TIMESTAMP to sign; defaults to formatSrpTimestamp(now ?? new Date()). */
  timestamp?: string;
  now?: Date;
}

/** a: 128 random bytes (as the reference client draws it) unless given; A = g^a mod N. */
export function srpClientStart(aHex?: string): SrpClientSession {
  for (;;) {
    const a = aHex !== undefined ? parseHexInt(aHex, 1024) : BigInt('0x' + randomBytes(128).toString('hex'));
    if (a === null || a === 0n) throw new TypeError('srpClientStart: a must be non-zero hex');
    const A = modPowG(a);
    if (A % N === 0n) {
      if (aHex !== undefined) throw new RangeError('srpClientStart: A mod N is 0');
      continue;
    }
    return { aHex: a.toString(16), AHex: A.toString(16) };
  }
}

/** The 16-byte HKDF key (the reference client's getPasswordAuthenticationKey). Throws on B mod N = 0 or u = 0. */
export function srpClientHkdfKey(
  session: SrpClientSession,
  c: Pick<SrpChallenge, 'poolName' | 'userIdForSrp' | 'password' | 'saltHex' | 'BHex'>,
): Buffer {
  const a = parseHexInt(session.aHex, 1024);
  const A = parseHexInt(session.AHex);
  const B = parseHexInt(c.BHex);
  if (a === null || A === null || B === null) throw new TypeError('srpClient: non-hex input');
  if (B % N === 0n) throw new RangeError('srpClient: B mod N is 0');
  const u = computeU(A, B);
  if (u === 0n) throw new RangeError('srpClient: u is 0');
  const x = computeX(c.poolName, c.userIdForSrp, c.password, c.saltHex);
  // S = (B - k * g^x) ^ (a + u * x) mod N
  const S = modPow(B - k * modPowG(x), a + u * x);
  return computeHkdfKey(S, u);
}

/** PASSWORD_CLAIM_SIGNATURE and TIMESTAMP for a PASSWORD_VERIFIER challenge. */
export function srpClientProof(
  session: SrpClientSession,
  c: SrpChallenge,
): { signatureB64: string; timestamp: string; hkdfKey: Buffer } {
  const hkdfKey = srpClientHkdfKey(session, c);
  const timestamp = c.timestamp ?? formatSrpTimestamp(c.now ?? new Date());
  const secretBlock = Buffer.from(c.secretBlockB64, 'base64');
  const signature = computeSignature(hkdfKey, c.poolName, c.userIdForSrp, secretBlock, timestamp);
  return { signatureB64: signature.toString('base64'), timestamp, hkdfKey };
}
