/**
 * Client authentication at the token and revoke endpoints (RFC 6749 section 2.3.1): HTTP Basic
 * with `client_id:client_secret`, each form-urlencoded before Base64 (`client_secret_basic`), or
 * `client_id` and `client_secret` in the form (`client_secret_post`). A client without a secret
 * (a public client) names itself with `client_id` alone. Any failure is `invalid_client` (401), as
 * Cognito answers ("Client authentication failed", token endpoint reference).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
import type { IncomingMessage } from 'node:http';
import type { Deps } from '../deps.js';
import { clientSecret } from '../auth/client.js';
import { createHash } from 'node:crypto';
import { bytesEqual } from '../crypto/constantTime.js';
import type { ClientRecord, PoolRecord } from '../store/store.js';
import { OAuthError } from './endpoint.js';

export interface AuthenticatedClient {
  client: ClientRecord;
  /** Whether the client proved a secret (a confidential client); false for a public client. */
  confidential: boolean;
}

/** The client's id and secret from a Basic Authorization header; undefined when there is none. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient(true);
  try {
    const unescape = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  } catch {
    throw invalidClient(true);
  }
}

/** invalid_client; with Basic, a 401 names the scheme (RFC 6749 section 5.2). */
const invalidClient = (basic: boolean) =>
  new OAuthError('invalid_client', 401, undefined, basic ? { 'www-authenticate': 'Basic realm="oauth2"' } : {});

/**
 * Authenticates the client of a token or revoke request, which must belong to the domain's pool.
 * Two ways at once (a Basic header and a secret in the form, or two different ids) are an
 * invalid_request (RFC 6749 section 2.3: "MUST NOT use more than one authentication method").
 */
export async function authenticateClient(
  deps: Pick<Deps, 'store' | 'sealer'>,
  req: IncomingMessage,
  form: Map<string, string>,
  pool: PoolRecord,
): Promise<AuthenticatedClient> {
  const basic = basicCredentials(req.headers.authorization);
  const formId = form.get('client_id');
  const formSecret = form.get('client_secret');
  if (basic && (formSecret !== undefined || (formId !== undefined && formId !== basic.id))) {
    throw new OAuthError('invalid_request', 400, 'The client authenticated in more than one way.');
  }
  if (basic && !basic.id) throw invalidClient(true);
  const id = basic?.id ?? formId;
  const given = basic?.secret ?? formSecret;
  if (!id) throw new OAuthError('invalid_request', 400, 'client_id is missing.');
  const client = await deps.store.getClient(id);
  if (!client || client.poolId !== pool.id) throw invalidClient(!!basic);
  const secret = clientSecret(deps, client);
  if (secret === undefined) {
    // A public client: a secret it does not have proves nothing, and is refused rather than ignored.
    if (given) throw invalidClient(!!basic);
    return { client, confidential: false };
  }
  if (given === undefined || !secretsEqual(secret, given)) throw invalidClient(!!basic);
  return { client, confidential: true };
}

/** Compares the digests, in constant time: neither the secret's content nor its length shows in the timing. */
function secretsEqual(secret: string, given: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return bytesEqual(digest(secret), digest(given));
}
