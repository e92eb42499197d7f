/**
 * The authorize request (GET /oauth2/authorize, and /login, which takes the same parameters), checked
 * against the app client's OAuth settings as Cognito checks them.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 *
 * Two kinds of refusal: before the redirect URI is known to be the client's, nothing is redirected
 * (an unknown client or a redirect_uri not in CallbackURLs is shown on an error page, RFC 6749
 * section 4.1.2.1, so the endpoint is never an open redirector); after, the error goes back to the
 * application at its redirect URI with the request's `state`.
 */
import type { Deps } from '../deps.js';
import type { ClientRecord, PoolRecord } from '../store/store.js';

export type ResponseType = 'code' | 'token';

/** An authorize request that passed every check: the login transaction the pages carry. */
export interface AuthorizeRequest {
  client: ClientRecord;
  responseType: ResponseType;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  /** OIDC `prompt`: `login` asks again even with a session, `none` never shows a page. */
  prompt: 'login' | 'none' | null;
  /** The request's parameters, in a fixed order: the query string every page of the transaction carries. */
  query: string;
}

/** A refusal shown on a page (status, title, message), never redirected. */
export class LoginPageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** An OAuth error redirected to the client's (checked) redirect URI (RFC 6749 section 4.1.2.1). */
export class AuthorizeRedirectError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly redirectUri: string,
    readonly state: string | null,
    /** Where the error goes: the query (code, or an unknown response type) or the fragment (token). */
    readonly responseType: ResponseType,
  ) {
    super(description);
  }

  /** The application's redirect URI with `error`, `error_description` and `state`. */
  location(): string {
    return redirectTo(this.redirectUri, this.responseType, { error: this.error, error_description: this.description, state: this.state });
  }
}

/** The parameters a login transaction keeps, in the order its query string lists them. */
const PARAMETERS = [
  'client_id', 'response_type', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'identity_provider', 'prompt',
] as const;

/** OIDC scopes Cognito knows besides the resource servers' (`<identifier>/<name>`). */
const PHONE_EMAIL_PROFILE = new Set(['phone', 'email', 'profile']);

/** RFC 7636 section 4.2: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export const callbackUrls = (client: ClientRecord) => list(client.settings.CallbackURLs);
export const logoutUrls = (client: ClientRecord) => list(client.settings.LogoutURLs);

/**
 * Checks an authorize request. Throws LoginPageError for what must not be redirected, and
 * AuthorizeRedirectError (with the request whose redirect URI it goes to) for the rest.
 */
export async function parseAuthorizeRequest(
  deps: Pick<Deps, 'store'>,
  pool: PoolRecord,
  query: URLSearchParams,
): Promise<AuthorizeRequest> {
  const one = (name: string): string | null => {
    const all = query.getAll(name);
    // RFC 6749 section 3.1: "Request and response parameters MUST NOT be included more than once."
    if (all.length > 1) throw new LoginPageError(400, 'Invalid request', `The parameter ${name} is repeated.`);
    return all.length === 1 && all[0] !== '' ? all[0] : null;
  };
  const clientId = one('client_id');
  if (!clientId) throw new LoginPageError(400, 'Invalid request', 'The request has no client_id.');
  const client = await deps.store.getClient(clientId);
  if (!client || client.poolId !== pool.id) throw new LoginPageError(400, 'Invalid request', 'The app client does not exist in this user pool.');

  // A redirect URI must be one of the client's CallbackURLs exactly; absent, the DefaultRedirectURI.
  const given = one('redirect_uri');
  const redirectUri = given ?? (typeof client.settings.DefaultRedirectURI === 'string' ? client.settings.DefaultRedirectURI : null);
  if (!redirectUri || !callbackUrls(client).includes(redirectUri)) {
    throw new LoginPageError(400, 'redirect_mismatch', 'The redirect URI is not one of the app client\'s callback URLs.');
  }

  const state = one('state');
  const responseType = one('response_type');
  const fail = (error: string, description: string) =>
    new AuthorizeRedirectError(error, description, redirectUri, state, responseType === 'token' ? 'token' : 'code');

  if (responseType !== 'code' && responseType !== 'token') {
    throw fail(responseType ? 'unsupported_response_type' : 'invalid_request', 'response_type must be code or token.');
  }
  const flows = list(client.settings.AllowedOAuthFlows);
  const flow = responseType === 'token' ? 'implicit' : 'code';
  if (client.settings.AllowedOAuthFlowsUserPoolClient !== true || !flows.includes(flow)) {
    throw fail('unauthorized_client', `The ${flow} flow is not allowed for this app client.`);
  }
  const provider = one('identity_provider');
  const providers = list(client.settings.SupportedIdentityProviders);
  if (!providers.includes('COGNITO') || (provider !== null && provider !== 'COGNITO')) {
    throw fail('unauthorized_client', 'The identity provider is not supported for this app client.');
  }

  // No scope asks for every scope the client is allowed (authorization endpoint reference).
  const allowed = list(client.settings.AllowedOAuthScopes);
  const asked = one('scope');
  const scopes = asked === null ? allowed : [...new Set(asked.split(' ').filter((s) => s !== ''))];
  if (scopes.length === 0 || scopes.some((s) => !allowed.includes(s))) throw fail('invalid_scope', 'A scope is not allowed for this app client.');
  // phone, email and profile are OpenID Connect scopes: they come with openid.
  if (scopes.some((s) => PHONE_EMAIL_PROFILE.has(s)) && !scopes.includes('openid')) {
    throw fail('invalid_scope', 'The phone, email and profile scopes need the openid scope.');
  }

  let codeChallenge: string | null = null;
  let codeChallengeMethod: 'S256' | 'plain' | null = null;
  if (responseType === 'code') {
    codeChallenge = one('code_challenge');
    const method = one('code_challenge_method');
    if (codeChallenge !== null) {
      // RFC 7636 section 4.3: plain when the method is absent.
      if (method !== null && method !== 'S256' && method !== 'plain') throw fail('invalid_request', 'code_challenge_method must be S256 or plain.');
      if (!PKCE_VALUE.test(codeChallenge)) throw fail('invalid_request', 'The code_challenge is malformed.');
      codeChallengeMethod = (method ?? 'plain') as 'S256' | 'plain';
    } else if (method !== null) {
      throw fail('invalid_request', 'code_challenge_method was given without a code_challenge.');
    }
  }
  const promptValue = one('prompt');
  let prompt: 'login' | 'none' | null = null;
  if (promptValue !== null) {
    const values = promptValue.split(' ');
    if (values.includes('none') && values.length > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values.');
    if (values.some((v) => !['none', 'login', 'consent', 'select_account'].includes(v))) throw fail('invalid_request', 'Unknown prompt value.');
    // consent and select_account: Cognate has nothing to consent to and one account per session; they ask again like login.
    prompt = values.includes('none') ? 'none' : 'login';
  }

  const canonical = new URLSearchParams();
  for (const name of PARAMETERS) {
    const value = one(name);
    if (value !== null) canonical.set(name, value);
  }
  return {
    client,
    responseType,
    redirectUri,
    scopes,
    state,
    nonce: one('nonce'),
    codeChallenge,
    codeChallengeMethod,
    prompt,
    query: canonical.toString(),
  };
}

/**
 * The redirect to the application: parameters in the query for the code flow, in the fragment for
 * the implicit flow (RFC 6749 sections 4.1.2 and 4.2.2), `state` last, as given. Built through URL,
 * so a redirect URI with characters outside ASCII (`https://app.example/回调`, matched exactly as
 * registered) leaves percent-encoded, as a Location header must be (RFC 9110 section 10.2.2).
 */
export function redirectTo(redirectUri: string, responseType: ResponseType, parameters: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== null && value !== undefined) params.set(name, value);
  const url = new URL(redirectUri);
  if (responseType === 'token') {
    url.hash = params.toString();
    return url.href;
  }
  for (const [name, value] of params) url.searchParams.append(name, value);
  return url.href;
}
