/**
 * What the endpoints of a user pool domain share: the request they are given, where the domain is
 * served, the answers (security headers, OAuth error JSON, pages, redirects) and the bounded
 * reading of form and JSON bodies. src/oauth/router.ts dispatches to them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.js';
import type { PoolRecord, UserPoolDomainRecord } from '../store/store.js';
import { ClientGone, readBody } from '../server/body.js';

export const DOMAINS_PREFIX = '/domains/';

/** What a route is given: the request, its domain and pool, and where the domain is served. */
export interface DomainRequest {
  deps: Deps;
  req: IncomingMessage;
  res: ServerResponse;
  domain: UserPoolDomainRecord;
  pool: PoolRecord;
  /** The path under the domain: `/oauth2/token`, `/login` ... */
  path: string;
  query: URLSearchParams;
  /** The server's base URL (the public URL when configured), for `iss`. */
  baseUrl: string;
  /** Where the domain is served: `<base URL>/domains/<prefix>`, without a trailing slash. */
  domainUrl: string;
}

export type Route = (request: DomainRequest) => Promise<void>;

/** The URL a pool's domain is served at (DescribeUserPoolDomain, the discovery document, redirects). */
export function domainUrlFor(deps: Pick<Deps, 'config'>, baseUrl: string, domain: string): string {
  return `${(deps.config.publicUrl ?? baseUrl).replace(/\/+$/, '')}${DOMAINS_PREFIX}${domain}`;
}

// ---- responses ----

/**
 * On every answer of a domain: nothing is cached (tokens, codes, pages with a CSRF token), nothing
 * framed (clickjacking of the sign-in page), no type sniffed, no Referer with a code leaves.
 * The CSP allows the page its own style sheet and images (the TOTP QR code as a data: URL) and
 * forms that post to itself; no script at all.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CSP,
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * CORS of the machine endpoints: single-page applications (Amplify's signInWithRedirect) call the
 * token, userInfo and revoke endpoints with fetch, with Authorization headers.
 */
export const DOMAIN_CORS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '86400',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...DOMAIN_CORS,
    ...headers,
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The OAuth error codes of RFC 6749 section 5.2 and RFC 6750 section 3.1 that the endpoints answer. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'unsupported_token_type'
  | 'server_error';

/** An OAuth error answer; invalid_client is 401 (RFC 6749 section 5.2), the others 400 unless given. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly status = error === 'invalid_client' ? 401 : 400,
    readonly description?: string,
    /** WWW-Authenticate for a 401 (RFC 6749 section 5.2, RFC 6750 section 3). */
    readonly headers: Record<string, string> = {},
  ) {
    super(error);
  }
}

/**
 * Cognito's token endpoint answers `{"error":"invalid_grant"}`, without a description; one is
 * added only where Cognate's is helpful and Cognito's is not known (docs/behaviour.md).
 */
export function sendOAuthError(res: ServerResponse, err: OAuthError): void {
  const body: Record<string, string> = { error: err.error };
  if (err.description) body.error_description = err.description;
  sendJson(res, err.status, body, err.headers);
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text for HTML, attribute values included. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => escapes[c]);

/** A plain server-rendered page with a title and a message (errors: unknown domain, redirect mismatch ...). */
export function sendPage(res: ServerResponse, status: number, title: string, message: string): void {
  const html =
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>\n`;
  sendHtml(res, status, html);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/**
 * A 302 to the absolute URL `location` (which the caller has checked against the client's registered
 * URLs), percent-encoded through URL: a header value outside Latin-1 would make Node throw.
 */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...SECURITY_HEADERS, location: new URL(location).href, 'content-length': 0 });
  res.end();
}

// ---- request bodies ----

/** Form posts and JSON bodies of the domain's endpoints are small; anything larger is refused. */
export const MAX_FORM_BYTES = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as UTF-8 text, at most `limit` bytes; undefined when larger or not UTF-8. */
async function bodyText(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const bytes = await readBody(req, limit);
  if (bytes === undefined) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const mediaType = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

/**
 * An `application/x-www-form-urlencoded` body (the token and revoke endpoints, RFC 6749 section
 * 4.1.3; the pages' forms). Another content type, a body too large or not UTF-8, or a parameter
 * given twice (RFC 6749 section 3.2: "parameters MUST NOT be included more than once") is an
 * invalid_request.
 */
export async function readForm(req: IncomingMessage, limit = MAX_FORM_BYTES): Promise<Map<string, string>> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new OAuthError('invalid_request', 400, 'The body must be application/x-www-form-urlencoded.');
  }
  const text = await bodyText(req, limit);
  if (text === undefined) throw new OAuthError('invalid_request', 400, 'The body is too large or not UTF-8.');
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (form.has(name)) throw new OAuthError('invalid_request', 400, `The parameter ${name} is repeated.`);
    form.set(name, value);
  }
  return form;
}

/** A JSON object body (bounded like forms); invalid_request when it is anything else. */
export async function readJson(req: IncomingMessage, limit = MAX_FORM_BYTES): Promise<Record<string, unknown>> {
  if (mediaType(req) !== 'application/json') {
    req.resume();
    throw new OAuthError('invalid_request', 400, 'The body must be application/json.');
  }
  const text = await bodyText(req, limit);
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OAuthError('invalid_request', 400, 'The body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/**
 * Runs a machine endpoint: an OAuthError it throws becomes the OAuth error JSON; anything else is
 * logged and answered `{"error":"server_error"}` with status 500 (an OAuth answer, never the API's
 * AWS-shaped InternalErrorException). A client that went away is left to the server.
 */
export const oauthEndpoint =
  (body: Route): Route =>
  async (request) => {
    try {
      await body(request);
    } catch (err) {
      if (err instanceof ClientGone) throw err;
      if (!(err instanceof OAuthError)) {
        request.deps.log.error({ err, path: request.path }, 'unexpected error at a domain endpoint');
        if (request.res.headersSent) return void request.res.destroy();
        return sendOAuthError(request.res, new OAuthError('server_error', 500));
      }
      sendOAuthError(request.res, err);
    }
  };
