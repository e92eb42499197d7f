/**
 * Server side of Cognito's SRP-6a (USER_SRP_AUTH), bit-compatible with amazon-cognito-identity-js
 * (AuthenticationHelper.js / CognitoUser.js), which is the reference client.
 *
 * Conventions of that client, reproduced here:
 * - N is the RFC 5054 (= RFC 3526 group 15) 3072-bit prime, g = 2.
 * - Integers are hashed through `padHex`: the minimal even-length hex of the value, with "00"
 *   prepended when the first nibble is 8..f (Java's BigInteger.toByteArray()). Hashes are SHA-256
 *   of the bytes that hex string denotes ("hexHash").
 * - k = H(PAD(N) | PAD(g)); u = H(PAD(A) | PAD(B));
 *   x = H(PAD(salt) | SHA256hex(poolName + userIdForSrp + ":" + password)), where salt is the SALT
 *   challenge parameter read as an integer (so leading zero bytes of the stored salt do not count).
 * - Key = HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key"), first 16 bytes.
 * - PASSWORD_CLAIM_SIGNATURE = Base64(HMAC-SHA256(Key, poolName | userIdForSrp |
 *   Base64decode(SECRET_BLOCK) | TIMESTAMP)), TIMESTAMP like "Tue Jan 2 15:04:05 UTC 2024".
 * - poolName is the part of the user pool id after '_'.
 *
 * Modular exponentiation is done by OpenSSL (constant time in the exponent), never by BigInt:
 * - g^e mod N: createDiffieHellman(N, 2), setPrivateKey(e), generateKeys().
 * - y^e mod N for other bases: createDiffieHellman(N, 2), setPrivateKey(e), computeSecret(y).
 *   (createDiffieHellman(N, y) would also compute y^e, but for a generator other than 2 OpenSSL's
 *   DH_check runs a full primality test of N on every construction: about 1.5 s. With g = 2 the
 *   group is recognised as a named group and construction is ~0.02 ms.) computeSecret refuses
 *   y in {0, 1, N-1}; those are answered by arithmetic.
 * BigInt is used only for multiplication, addition and reduction.
 */
import { createDiffieHellman, createHash, createHmac, randomBytes } from 'node:crypto';
import { bytesEqual, decodeBase64Strict } from './constantTime.js';

export const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
export const N = BigInt('0x' + N_HEX);
export const g = 2n;
/** Byte length of N (and of every group element in fixed-width form). */
export const N_BYTES = 384;
const N_BUF = Buffer.from(N_HEX, 'hex');
const G_BUF = Buffer.from([2]);
const INFO = Buffer.from('Caldera Derived Key\u0001', 'utf8');

// ---------------------------------------------------------------------------------------------
// Encoding and hashing as the reference client does it

/** The client's padHex for a non-negative integer. */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('padHex: negative value');
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = '0' + hex;
  if (/^[89a-f]/.test(hex)) hex = '00' + hex;
  return hex;
}

/** SHA-256 of a UTF-8 string or bytes, as 64 lower-case hex characters. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest('hex');
}

/** SHA-256 of the bytes an even-length hex string denotes. */
export function hexHash(hex: string): string {
  if (hex.length % 2 !== 0) throw new RangeError('hexHash: odd-length hex');
  return sha256Hex(Buffer.from(hex, 'hex'));
}

export const k = BigInt('0x' + hexHash(padHex(N) + padHex(g)));

const HEX_RE = /^[0-9a-fA-F]+$/;

/**
 * A non-negative integer from hex text, or null when the text is not hex. Leading zeros are
 * allowed; more than `maxChars` characters is refused (so attacker text cannot cost much).
 */
export function parseHexInt(hex: unknown, maxChars = 2 * N_BYTES + 64): bigint | null {
  if (typeof hex !== 'string' || hex.length === 0 || hex.length > maxChars || !HEX_RE.test(hex)) return null;
  return BigInt('0x' + hex);
}

function toBytes(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

function toFixedBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

function fromBytes(buf: Buffer): bigint {
  return buf.length === 0 ? 0n : BigInt('0x' + buf.toString('hex'));
}

function mod(a: bigint, m: bigint = N): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

// ---------------------------------------------------------------------------------------------
// Modular exponentiation through OpenSSL

/** g^exp mod N (OpenSSL DH: setPrivateKey(exp) + generateKeys()). */
export function modPowG(exp: bigint): bigint {
  if (exp < 0n) throw new RangeError('modPowG: negative exponent');
  const dh = createDiffieHellman(N_BUF, G_BUF);
  dh.setPrivateKey(toBytes(exp));
  return fromBytes(dh.generateKeys());
}

/** base^exp mod N for any base (reduced mod N first), through OpenSSL. */
export function modPow(base: bigint, exp: bigint): bigint {
  if (exp < 0n) throw new RangeError('modPow: negative exponent');
  const y = mod(base);
  if (exp === 0n) return 1n;
  if (y === 0n) return 0n;
  if (y === 1n) return 1n;
  if (y === N - 1n) return (exp & 1n) === 1n ? N - 1n : 1n;
  if (y === g) return modPowG(exp);
  const dh = createDiffieHellman(N_BUF, G_BUF);
  dh.setPrivateKey(toBytes(exp));
  return fromBytes(dh.computeSecret(toBytes(y)));
}

// ---------------------------------------------------------------------------------------------
// Protocol pieces (shared with srpClient.ts)

/** The pool "name" SRP hashes: the part of the user pool id after '_' (as the client takes it). */
export function poolNameFromPoolId(userPoolId: string): string {
  return userPoolId.split('_')[1] ?? '';
}

/** x = H(PAD(salt) | H(poolName + userIdForSrp + ':' + password)). Throws on non-hex salt. */
export function computeX(poolName: string, userIdForSrp: string, password: string, saltHex: string): bigint {
  const salt = parseHexInt(saltHex);
  if (salt === null) throw new TypeError('SRP: salt must be hex');
  const inner = sha256Hex(`${poolName}${userIdForSrp}:${password}`);
  return BigInt('0x' + hexHash(padHex(salt) + inner));
}

/** u = H(PAD(A) | PAD(B)). */
export function computeU(A: bigint, B: bigint): bigint {
  return BigInt('0x' + hexHash(padHex(A) + padHex(B)));
}

/** HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key"), 16 bytes. */
export function computeHkdfKey(S: bigint, u: bigint): Buffer {
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex')).update(Buffer.from(padHex(S), 'hex')).digest();
  return createHmac('sha256', prk).update(INFO).digest().subarray(0, 16);
}

/** HMAC-SHA256(key, poolName | userIdForSrp | secretBlock | timestamp) (the raw 32 bytes). */
export function computeSignature(
  hkdfKey: Buffer,
  poolName: string,
  userIdForSrp: string,
  secretBlock: Buffer,
  timestamp: string,
): Buffer {
  return createHmac('sha256', hkdfKey)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userIdForSrp, 'utf8'))
    .update(secretBlock)
    .update(Buffer.from(timestamp, 'utf8'))
    .digest();
}

// ---------------------------------------------------------------------------------------------
// Server API

function storedGroupElement(hex: string, what: string): bigint {
  const v = parseHexInt(hex);
  if (v === null || v <= 0n || v >= N) throw new TypeError(`SRP: stored ${what} is not a valid group element`);
  return v;
}

/**
 * The SRP salt and verifier v = g^x mod N for a password. The salt defaults to 16 random bytes
 * (returned in padHex form, which is what the client hashes); a given saltHex is kept as is.
 * Throws TypeError on a non-hex saltHex.
 */
export function computeVerifier(
  poolName: string,
  userIdForSrp: string,
  password: string,
  saltHex?: string,
): { saltHex: string; verifierHex: string } {
  const salt = saltHex ?? padHex(fromBytes(randomBytes(16)));
  const x = computeX(poolName, userIdForSrp, password, salt);
  return { saltHex: salt, verifierHex: padHex(modPowG(x)) };
}

/**
 * Plain password check against the stored SRP verifier (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH):
 * recomputes g^x and compares with the verifier in constant time (fixed 384-byte encodings).
 * A non-string password is false. A malformed stored salt or verifier throws TypeError
 * (corrupt server data, an internal error, not the caller's fault).
 */
export function verifyPassword(
  poolName: string,
  userIdForSrp: string,
  password: string,
  saltHex: string,
  verifierHex: string,
): boolean {
  const v = storedGroupElement(verifierHex, 'verifier');
  if (typeof password !== 'string') return false;
  const x = computeX(poolName, userIdForSrp, password, saltHex);
  return bytesEqual(toFixedBytes(modPowG(x), N_BYTES), toFixedBytes(v, N_BYTES));
}

/**
 * Server half of the key exchange: b is 256 random bits, B = (k*v + g^b) mod N (never 0).
 * Keep bHex on the server (e.g. sealed into the SECRET_BLOCK or the session); send BHex as SRP_B.
 * Throws TypeError on a malformed stored verifier.
 */
export function startServerSession(verifierHex: string): { bHex: string; BHex: string } {
  const v = storedGroupElement(verifierHex, 'verifier');
  for (;;) {
    const b = fromBytes(randomBytes(32));
    if (b === 0n) continue;
    const B = mod(k * v + modPowG(b));
    if (B === 0n) continue;
    return { bHex: b.toString(16).padStart(64, '0'), BHex: B.toString(16) };
  }
}

export interface ClientProofArgs {
  poolName: string;
  userIdForSrp: string;
  /** Not needed by the server's computation (the verifier already encodes it); accepted for symmetry. */
  saltHex?: string;
  verifierHex: string;
  /** SRP_A from InitiateAuth. */
  AHex: string;
  bHex: string;
  BHex: string;
  /** PASSWORD_CLAIM_SECRET_BLOCK, standard Base64. */
  secretBlockB64: string;
  /** TIMESTAMP exactly as the client sent it (it is part of the signed message). */
  timestamp: string;
  /** PASSWORD_CLAIM_SIGNATURE, standard Base64 of 32 bytes. */
  signatureB64: string;
}

/**
 * Checks PASSWORD_CLAIM_SIGNATURE. Never throws: every malformed or hostile input (non-string,
 * non-hex, A outside 2..N-2, u = 0, non-Base64 secret block or signature, signature not 32 bytes,
 * corrupt stored values) is simply false. A in {0, 1, N-1} and A >= N are refused: an honest
 * client's A = g^a mod N is never one of them. The timestamp is not checked for freshness here;
 * use parseSrpTimestamp for that. Callers answer false with NotAuthorizedException
 * ("Incorrect username or password.").
 */
export function verifyClientProof(args: ClientProofArgs): boolean {
  try {
    const { poolName, userIdForSrp, secretBlockB64, timestamp, signatureB64 } = args;
    if (
      typeof poolName !== 'string' ||
      typeof userIdForSrp !== 'string' ||
      typeof timestamp !== 'string' ||
      typeof secretBlockB64 !== 'string' ||
      typeof signatureB64 !== 'string'
    ) {
      return false;
    }
    const A = parseHexInt(args.AHex);
    const B = parseHexInt(args.BHex);
    const v = parseHexInt(args.verifierHex);
    const b = parseHexInt(args.bHex, 256);
    if (A === null || B === null || v === null || b === null) return false;
    if (A <= 1n || A >= N - 1n) return false; // also A mod N == 0 (A = 0, N, 2N ... are all excluded)
    if (B <= 0n || B >= N || v <= 0n || v >= N || b === 0n) return false;
    const u = computeU(A, B);
    if (u === 0n) return false;
    const secretBlock = decodeBase64Strict(secretBlockB64);
    const signature = decodeBase64Strict(signatureB64);
    if (secretBlock === null || signature === null || signature.length !== 32) return false;
    const S = modPow(mod(A * modPow(v, u)), b);
    const key = computeHkdfKey(S, u);
    const expected = computeSignature(key, poolName, userIdForSrp, secretBlock, timestamp);
    return bytesEqual(expected, signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// TIMESTAMP: "ddd MMM D HH:mm:ss UTC YYYY", day of month not zero padded

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIMESTAMP_RE =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/;

/** The client's getNowString format, e.g. "Tue Jan 2 15:04:05 UTC 2024". */
export function formatSrpTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/**
 * Epoch milliseconds of a TIMESTAMP, or null unless it is a real instant in that format whose
 * weekday is right. A zero-padded day ("Jan 02", as strftime-based clients send) is accepted.
 */
export function parseSrpTimestamp(s: string): number | null {
  if (typeof s !== 'string') return null;
  const m = TIMESTAMP_RE.exec(s);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!);
  const day = Number(m[3]);
  const [hh, mm, ss, year] = [Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7])];
  if (day < 1 || hh > 23 || mm > 59 || ss > 59) return null;
  const ms = Date.UTC(year, month, day, hh, mm, ss);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month || d.getUTCDate() !== day) return null;
  if (WEEKDAYS[d.getUTCDay()] !== m[1]) return null;
  return ms;
}
