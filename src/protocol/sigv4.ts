import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  UnrecognizedClientException,
} from '../errors.js';
import type { Deps } from '../deps.js';
import { wallNow } from '../clock.js';

/**
 * AWS Signature Version 4 for the signed operations (every Admin* operation, pool and client
 * management) and the outbox. Without configured credentials Cognate checks only that the
 * Authorization header is well formed, so any AWS credentials work (for local development and CI).
 * With `--access-key-id` and `--secret-access-key` it recomputes the signature and refuses
 * anything else, with the errors AWS services answer.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
const AUTH = /^AWS4-HMAC-SHA256 (.+)$/;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'cognito-idp';
/** How far the request's time may be from the server's, either way (AWS: 5 minutes). */
const MAX_SKEW_MS = 5 * 60_000;

export interface SignatureParts {
  accessKeyId: string;
  /** yyyymmdd/region/service/aws4_request */
  scope: string;
  date: string;
  region: string;
  signedHeaders: string[];
  signature: string;
}

export function checkSignatureShape(authorization: string | undefined): SignatureParts {
  if (!authorization) throw MissingAuthenticationTokenException('Missing Authentication Token');
  const match = AUTH.exec(authorization.trim());
  if (!match) {
    throw IncompleteSignatureException(
      'Authorization header requires the AWS4-HMAC-SHA256 algorithm with Credential, SignedHeaders and Signature.',
    );
  }
  const parts = new Map<string, string>();
  for (const piece of match[1].split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  for (const [name, value] of [['Credential', credential], ['SignedHeaders', signedHeaders], ['Signature', signature]]) {
    if (!value) throw IncompleteSignatureException(`Authorization header requires '${name}' parameter.`);
  }
  // Credential=AKID/yyyymmdd/region/service/aws4_request
  const scope = credential!.split('/');
  if (scope.length !== 5 || !/^\d{8}$/.test(scope[1]) || scope[4] !== 'aws4_request' || !scope[0] || !scope[2]) {
    throw IncompleteSignatureException('Credential should be scoped to a valid region, service and date.');
  }
  if (scope[3] !== SERVICE) {
    throw IncompleteSignatureException(`Credential should be scoped to correct service: '${SERVICE}'.`);
  }
  if (!/^[0-9a-f]{64}$/.test(signature!)) {
    throw IncompleteSignatureException('Signature must be 64 lowercase hexadecimal characters.');
  }
  return {
    accessKeyId: scope[0],
    scope: scope.slice(1).join('/'),
    date: scope[1],
    region: scope[2],
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What the signature covers, as it arrived. */
export interface SignedRequest {
  method: string;
  /** The Authorization header. */
  authorization: string | undefined;
  /** The request target as sent: path and query string, still percent-encoded. */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value ... */
  rawHeaders: string[];
  body: Buffer;
}

/**
 * The signature check of a signed request: the full SigV4 verification when credentials are
 * configured, else the header's shape only.
 */
export function authenticateRequest(deps: Pick<Deps, 'config' | 'clock'>, request: SignedRequest): void {
  const { credentials } = deps.config;
  if (credentials) verifySignature(request, credentials, wallNow(deps.clock), deps.config.region);
  else checkSignatureShape(request.authorization);
}

const INVALID_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Headers a signature must cover when the request carries them: `host` always, `content-type`, and
 * every `x-amz-*` (IAM: "You must include the host header and any x-amz-* headers in the
 * signature", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
 * Otherwise a signature made for one operation could be replayed with another X-Amz-Target.
 */
function mustBeSigned(name: string): boolean {
  return name === 'host' || name === 'content-type' || name.startsWith('x-amz-');
}

/**
 * Checks a SigV4 signature against the configured credentials and the server's region; throws
 * AWS's error when it does not hold.
 */
export function verifySignature(request: SignedRequest, credentials: Credentials, nowMs: number, region: string): void {
  const parts = checkSignatureShape(request.authorization);
  // A constant-time comparison is not needed for the key id, which is not secret.
  if (parts.accessKeyId !== credentials.accessKeyId) {
    throw UnrecognizedClientException('The security token included in the request is invalid.');
  }
  // AWS's words for a signature scoped to another region (SQS, IAM, OpenSearch answer them).
  if (parts.region !== region) throw InvalidSignatureException(`Credential should be scoped to a valid region, not '${parts.region.slice(0, 64)}'. `);
  const headers = headerValues(request.rawHeaders);
  const unsigned = [...headers.keys()].filter((name) => mustBeSigned(name) && !parts.signedHeaders.includes(name)).sort();
  if (unsigned.length > 0) {
    // S3's wording (other services answer only the generic mismatch); it names headers, not values.
    throw InvalidSignatureException(`There were headers present in the request which were not signed: ${unsigned.join(', ')}`);
  }
  const amzDate = headers.get('x-amz-date') ?? isoFromHttpDate(headers.get('date'));
  if (!amzDate) throw IncompleteSignatureException("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) throw IncompleteSignatureException(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  if (amzDate.slice(0, 8) !== parts.date) {
    throw InvalidSignatureException(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parts.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  if (signedAt < nowMs - MAX_SKEW_MS) {
    throw InvalidSignatureException(`Signature expired: ${amzDate} is now earlier than ${basicIso(nowMs - MAX_SKEW_MS)} (${basicIso(nowMs)} - 5 min.)`);
  }
  if (signedAt > nowMs + MAX_SKEW_MS) {
    throw InvalidSignatureException(`Signature not yet current: ${amzDate} is still later than ${basicIso(nowMs + MAX_SKEW_MS)} (${basicIso(nowMs)} + 5 min.)`);
  }
  for (const name of parts.signedHeaders) {
    if (!headers.has(name)) throw InvalidSignatureException(INVALID_SIGNATURE);
  }
  if (!parts.signedHeaders.includes('host')) throw InvalidSignatureException(INVALID_SIGNATURE); // HTTP/1.0 without Host

  const [path, query = ''] = splitOnce(request.url, '?');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(path),
    canonicalQuery(query),
    parts.signedHeaders.map((name) => `${name}:${headers.get(name)}\n`).join(''),
    parts.signedHeaders.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, parts.scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, parts.date, parts.region)).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(parts.signature, 'hex'))) throw InvalidSignatureException(INVALID_SIGNATURE);
}

/** Lower-case names to values, repeated headers joined with ',', spaces trimmed and runs collapsed (SigV4's canonical form). */
function headerValues(rawHeaders: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ');
    const earlier = values.get(name);
    values.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  return values;
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
function signingKey(secret: string, date: string, region: string): Buffer {
  const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), SERVICE), 'aws4_request');
}

/** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 requires. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The path as sent (encoded once by the client), each segment encoded again: services other than S3 sign it double-encoded. */
function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((segment) => uriEncode(uriEncode(safeDecode(segment))))
    .join('/');
}

/** Query parameters encoded, sorted by name then value, `name=value` joined with '&'. */
function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [name, value = ''] = splitOnce(pair, '=');
      return [uriEncode(safeDecode(name.replace(/\+/g, ' '))), uriEncode(safeDecode(value.replace(/\+/g, ' ')))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** yyyymmddThhmmssZ -> ms, or undefined. */
function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? undefined : ms;
}

function basicIso(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The `Date` header (RFC 7231) in SigV4's basic ISO form, for clients that sign with it instead of X-Amz-Date. */
function isoFromHttpDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : basicIso(ms);
}
