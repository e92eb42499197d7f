/**
 * The managed login pages of a user pool domain: /oauth2/authorize, /login (sign-in and every
 * challenge after it), /forgotPassword, /confirmForgotPassword, /signup, /confirm, /logout.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/managed-login-endpoints.html
 *
 * The pages do no authentication of their own: they call the API's sign-in and MFA code
 * (src/auth/, and the operation handlers through the model's validation), so lockouts, replay
 * refusals and error messages are the API's. A sign-in that reaches tokens ends here instead, in
 * an authorization code (or the implicit flow's tokens) redirected to the application
 * (RequestContext.completeSignIn).
 *
 * The login transaction is the checked authorize request: its parameters ride in every page's query
 * string (as on Cognito's /login) and are checked again on every request; the challenge's Session
 * rides in a hidden field, as the API's clients carry it. Every post carries the CSRF token of the
 * transaction for this browser (cookies.ts).
 */
import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import type { Deps, Handler, RequestContext } from '../deps.js';
import { CognitoError } from '../errors.js';
import { clientSecret } from '../auth/client.js';
import { passwordFlow } from '../auth/initiate.js';
import { userFactors } from '../auth/mfa.js';
import { findSession, sessionIsFor } from '../auth/session.js';
import { checkUserCanSignIn, type AuthResponse } from '../auth/signIn.js';
import { openTotpSecret } from '../auth/totpSecrets.js';
import { totpUri } from '../cli/totp.js';
import { computeSecretHash } from '../crypto/secretHash.js';
import { randomBytesPooled } from '../crypto/random.js';
import { validateInput } from '../model/validate.js';
import { operations } from '../operations/index.js';
import type { ClientRecord, PoolRecord, SessionRecord, UserRecord } from '../store/store.js';
import { issueTokens, sha256Hex } from '../tokens/issue.js';
import { missingRequiredAttributes } from '../users/attributes.js';
import { AuthorizeRedirectError, LoginPageError, logoutUrls, parseAuthorizeRequest, redirectTo, type AuthorizeRequest } from './authorize.js';
import {
  CSRF_COOKIE, LOGIN_SESSION_MS, SESSION_COOKIE, clearCookie, csrfMatches, csrfToken, newSecret, setCookie, validSecret,
} from './cookies.js';
import { STYLESHEET, esc, renderMessage, renderPage, type Field, type PageModel } from './html.js';

/** A request to a page, whatever serves it (src/oauth/router.ts). */
export interface LoginRequest {
  deps: Deps;
  pool: PoolRecord;
  /** Where the domain is served, `<base URL>/domains/<prefix>`. */
  domainUrl: string;
  /** The server's base URL, for `iss`. */
  baseUrl: string;
  query: URLSearchParams;
  cookies: Map<string, string>;
  /** The posted form, for POST. */
  form?: Map<string, string>;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** Authorization codes live 5 minutes, as Cognito's (token endpoint reference). */
export const CODE_LIFETIME_MS = 300_000;

const NO_STORE = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * No script at all, the page's own style sheet and images (the QR code as a data: URL), and forms
 * that post to the domain: and to the application's origin, where a successful post is redirected
 * (browsers apply form-action to the redirects that follow a form submission).
 */
function csp(redirectUri?: string): string {
  // A native app's custom scheme (myapp://callback) has no origin: its scheme is the source.
  const url = redirectUri ? new URL(redirectUri) : undefined;
  const target = url ? ` ${url.origin === 'null' ? url.protocol : url.origin}` : '';
  return `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`;
}

const domainPath = (r: LoginRequest) => new URL(r.domainUrl).pathname.replace(/\/+$/, '');
const stylesheetPath = (r: LoginRequest) => `${domainPath(r)}/static/login.css`;
const pageUrl = (r: LoginRequest, page: string, tx: AuthorizeRequest) => `${domainPath(r)}${page}?${tx.query}`;

function htmlAnswer(status: number, body: string, redirectUri: string | undefined, cookies: string[] = []): Answer {
  const headers: Answer['headers'] = { ...NO_STORE, 'content-security-policy': csp(redirectUri), 'content-type': 'text/html; charset=utf-8' };
  if (cookies.length) headers['set-cookie'] = cookies;
  return { status, headers, body };
}

function redirectAnswer(location: string, cookies: string[] = []): Answer {
  const headers: Answer['headers'] = { ...NO_STORE, 'content-security-policy': csp(), location };
  if (cookies.length) headers['set-cookie'] = cookies;
  return { status: 302, headers, body: '' };
}

export function stylesheet(): Answer {
  return { status: 200, headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600', 'x-content-type-options': 'nosniff' }, body: STYLESHEET };
}

/** An authorize refusal: on a page before the redirect URI is trusted, at the redirect URI after. */
function refusal(r: LoginRequest, err: unknown): Answer {
  if (err instanceof LoginPageError) return htmlAnswer(err.status, renderMessage(stylesheetPath(r), err.title, err.message), undefined);
  if (err instanceof AuthorizeRedirectError) return redirectAnswer(err.location());
  throw err;
}

async function transaction(r: LoginRequest): Promise<AuthorizeRequest> {
  return parseAuthorizeRequest(r.deps, r.pool, r.query);
}

// ---- calling the API's code ----

const handlerCache = new WeakMap<Deps, Map<string, Handler>>();

/** An operation as the API runs it: the model's validation, then its handler. */
async function call<T>(deps: Deps, name: string, input: Record<string, unknown>, ctx: RequestContext): Promise<T> {
  let handlers = handlerCache.get(deps);
  if (!handlers) handlerCache.set(deps, (handlers = new Map()));
  let handler = handlers.get(name);
  if (!handler) handlers.set(name, (handler = operations[name](deps)));
  return (await handler(validateInput(name, input), ctx)) as T;
}

/** The pages compute SECRET_HASH for a client with a secret: they are Cognate's own front end. */
function secretHash(deps: Deps, client: ClientRecord, username: string): string | undefined {
  const secret = clientSecret(deps, client);
  return secret === undefined ? undefined : computeSecretHash(username, client.id, secret);
}

const withSecretHash = (deps: Deps, client: ClientRecord, username: string, input: Record<string, unknown>, member = 'SecretHash') => {
  const hash = secretHash(deps, client, username);
  return hash === undefined ? input : { ...input, [member]: hash };
};

// ---- the browser's CSRF secret ----

interface Browser {
  secret: string;
  /** Set-Cookie headers this answer must carry (a new CSRF secret). */
  cookies: string[];
}

function browser(r: LoginRequest): Browser {
  const existing = validSecret(r.cookies.get(CSRF_COOKIE));
  if (existing) return { secret: existing, cookies: [] };
  const secret = newSecret();
  return { secret, cookies: [setCookie(r.domainUrl, CSRF_COOKIE, secret)] };
}

const hiddenFor = (b: Browser, tx: AuthorizeRequest, extra: Record<string, string> = {}) => ({ _csrf: csrfToken(b.secret, tx.query), ...extra });

function page(r: LoginRequest, b: Browser, tx: AuthorizeRequest, model: PageModel, status = 200): Answer {
  return htmlAnswer(status, renderPage(stylesheetPath(r), model), tx.redirectUri, b.cookies);
}

// ---- GET /oauth2/authorize ----

export async function authorize(r: LoginRequest): Promise<Answer> {
  let tx: AuthorizeRequest;
  try {
    tx = await transaction(r);
  } catch (err) {
    return refusal(r, err);
  }
  // A managed-login session signs the user in again without a page, unless prompt=login (OIDC Core 3.1.2.1).
  if (tx.prompt !== 'login') {
    let reused: Answer | undefined;
    try {
      reused = await fromSession(r, tx);
    } catch (err) {
      // The redirect URI is checked: a failure of the sign-in (a PreTokenGeneration trigger of the
      // implicit flow) goes back to the application as server_error (RFC 6749 section 4.1.2.1).
      const refused = err instanceof CognitoError && err.status < 500;
      if (!refused) r.deps.log.error({ err }, 'unexpected error reusing a managed login session');
      const description = refused ? err.message : 'The sign-in could not be completed.';
      return redirectAnswer(new AuthorizeRedirectError('server_error', description, tx.redirectUri, tx.state, tx.responseType).location());
    }
    if (reused) return reused;
    if (tx.prompt === 'none') {
      return redirectAnswer(new AuthorizeRedirectError('login_required', 'The user is not signed in.', tx.redirectUri, tx.state, tx.responseType).location());
    }
  }
  return redirectAnswer(pageUrl(r, '/login', tx));
}

/** The user of a live managed-login session cookie, still able to sign in; undefined otherwise. */
async function fromSession(r: LoginRequest, tx: AuthorizeRequest): Promise<Answer | undefined> {
  const secret = validSecret(r.cookies.get(SESSION_COOKIE));
  if (!secret) return undefined;
  const { deps } = r;
  const session = await deps.store.getLoginSession(sha256Hex(secret), deps.clock.now());
  if (!session || session.poolId !== r.pool.id) return undefined;
  const user = await deps.store.getUser(r.pool.id, session.username);
  if (!user || user.sub !== session.sub) return undefined;
  try {
    checkUserCanSignIn(user);
  } catch {
    return undefined;
  }
  return finish(r, tx, user, session.authTime, false);
}

/**
 * The end of a sign-in: a new managed-login session (unless one was reused), then an authorization
 * code (code flow) or the tokens (implicit flow) redirected to the application with its `state`.
 */
async function finish(r: LoginRequest, tx: AuthorizeRequest, user: UserRecord, authTime: number, newSession: boolean): Promise<Answer> {
  const { deps, pool } = r;
  const now = deps.clock.now();
  const cookies: string[] = [];
  if (newSession) {
    const secret = newSecret();
    await deps.store.createLoginSession({
      idHash: sha256Hex(secret), poolId: pool.id, username: user.username, sub: user.sub, authTime, createdAt: now, expiresAt: now + LOGIN_SESSION_MS,
    });
    cookies.push(setCookie(r.domainUrl, SESSION_COOKIE, secret, LOGIN_SESSION_MS / 1000));
  }
  if (tx.responseType === 'code') {
    const code = randomBytesPooled(32).toString('base64url');
    await deps.store.createAuthorizationCode({
      codeHash: sha256Hex(code),
      poolId: pool.id,
      clientId: tx.client.id,
      username: user.username,
      sub: user.sub,
      redirectUri: tx.redirectUri,
      scopes: tx.scopes.join(' '),
      codeChallenge: tx.codeChallenge,
      codeChallengeMethod: tx.codeChallengeMethod,
      nonce: tx.nonce,
      state: tx.state,
      authTime,
      createdAt: now,
      expiresAt: now + CODE_LIFETIME_MS,
      consumedAt: null,
    });
    return redirectAnswer(redirectTo(tx.redirectUri, 'code', { code, state: tx.state }), cookies);
  }
  // The implicit flow: tokens in the fragment, without a refresh token (RFC 6749 section 4.2.2).
  const ctx: RequestContext = { requestId: randomUUID(), baseUrl: r.baseUrl };
  const result = await issueTokens(deps, {
    pool, client: tx.client, user, ctx, oauth: { scopes: tx.scopes, nonce: tx.nonce, atHash: true, authTime },
  });
  return redirectAnswer(
    redirectTo(tx.redirectUri, 'token', {
      id_token: tx.scopes.includes('openid') ? result.IdToken : null,
      access_token: result.AccessToken,
      expires_in: String(result.ExpiresIn),
      token_type: 'Bearer',
      state: tx.state,
    }),
    cookies,
  );
}

// ---- GET and POST /login ----

const usernameLabel = (pool: PoolRecord) => {
  const attrs = (pool.settings.UsernameAttributes as string[] | undefined) ?? [];
  return attrs.includes('email') && !attrs.includes('phone_number') ? 'Email' : 'Username';
};

const selfSignUp = (pool: PoolRecord) => (pool.settings.AdminCreateUserConfig as { AllowAdminCreateUserOnly?: boolean } | undefined)?.AllowAdminCreateUserOnly !== true;

function signInPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, messages: { error?: string; notice?: string } = {}, username = ''): Answer {
  const links = [{ href: pageUrl(r, '/forgotPassword', tx), text: 'Forgot your password?' }];
  if (selfSignUp(r.pool)) links.push({ href: pageUrl(r, '/signup', tx), text: 'Sign up' });
  return page(r, b, tx, {
    title: 'Sign in',
    ...messages,
    action: pageUrl(r, '/login', tx),
    hidden: hiddenFor(b, tx, { step: 'password' }),
    fields: [
      { name: 'username', label: usernameLabel(r.pool), autocomplete: 'username', value: username },
      { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' },
    ],
    submit: 'Sign in',
    links,
  }, messages.error ? 400 : 200);
}

export async function loginPage(r: LoginRequest): Promise<Answer> {
  let tx: AuthorizeRequest;
  try {
    tx = await transaction(r);
  } catch (err) {
    return refusal(r, err);
  }
  return signInPage(r, browser(r), tx);
}

/** A post: its transaction, checked again, and its CSRF token; or the answer that refuses it. */
async function posted(r: LoginRequest): Promise<{ tx: AuthorizeRequest; b: Browser; form: Map<string, string> } | Answer> {
  let tx: AuthorizeRequest;
  try {
    tx = await transaction(r);
  } catch (err) {
    return refusal(r, err);
  }
  const form = r.form ?? new Map<string, string>();
  const secret = validSecret(r.cookies.get(CSRF_COOKIE));
  if (!csrfMatches(secret, tx.query, form.get('_csrf'))) {
    const b = browser(r);
    return page(r, b, tx, {
      title: 'Sign in',
      error: 'This page has expired or was not sent by this browser. Please sign in again.',
      action: pageUrl(r, '/login', tx),
      hidden: hiddenFor(b, tx, { step: 'password' }),
      fields: [
        { name: 'username', label: usernameLabel(r.pool), autocomplete: 'username' },
        { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' },
      ],
      submit: 'Sign in',
    }, 403);
  }
  return { tx, b: { secret: secret!, cookies: [] }, form };
}

/**
 * The challenges a session still answers after a wrong answer; other refusals start the sign-in again.
 * InvalidParameterException (a missing attribute, a factor not set up, a code that is not 6 digits)
 * is here because every challenge step's session is checked by the page before the API (and its
 * model validation) runs: a validation error can no longer stand for a session never checked.
 */
const RETRY = new Set([
  'CodeMismatchException', 'ExpiredCodeException', 'TooManyRequestsException', 'EnableSoftwareTokenMFAException',
  'InvalidPasswordException', 'InvalidParameterException', 'LimitExceededException',
]);

/** The session each challenge step of the pages is posted with (MFA_SETUP: AssociateSoftwareToken's). */
const STEP_SESSION: Record<string, string> = {
  SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA',
  SMS_MFA: 'SMS_MFA',
  SELECT_MFA_TYPE: 'SELECT_MFA_TYPE',
  NEW_PASSWORD_REQUIRED: 'NEW_PASSWORD_REQUIRED',
  MFA_SETUP: 'MFA_SETUP_ASSOCIATED',
};

/** What a challenge step may use: its posted session's record and that session's user, nothing from the form. */
interface ChallengeSession {
  record: SessionRecord;
  user: UserRecord;
}

/**
 * The live challenge session a step was posted with: this step's, unused, not expired, not killed
 * by wrong answers, of this pool and this transaction's client, and its user (the same sub). The
 * user always comes from the session record, never from a form field: a page must not show (or
 * let anyone act on) another user's TOTP secret, factors or attributes, nor tell which users exist.
 */
async function challengeSession(r: LoginRequest, tx: AuthorizeRequest, step: string, session: string): Promise<ChallengeSession | undefined> {
  const expected = STEP_SESSION[step];
  if (!expected || session === '') return undefined;
  let record: SessionRecord;
  try {
    record = await findSession(r.deps, session, [expected], tx.client.id, r.deps.config.maxMfaAttemptsPerSession);
  } catch (err) {
    if (err instanceof CognitoError) return undefined;
    throw err;
  }
  if (record.poolId !== r.pool.id) return undefined;
  const user = await r.deps.store.getUser(r.pool.id, record.username);
  return user && sessionIsFor(record, user) ? { record, user } : undefined;
}

/** A challenge step without its live session: the plain sign-in page, the same for every username. */
const SESSION_LOST = 'Your sign-in session has expired. Please sign in again.';

export async function loginPost(r: LoginRequest): Promise<Answer> {
  const p = await posted(r);
  if ('status' in p) return p;
  const { tx, b, form } = p;
  const { deps, pool } = r;
  const client = tx.client;
  const step = form.get('step') ?? 'password';
  const session = form.get('session') ?? '';
  // A challenge step acts for the user of its session; only the password step takes a username.
  let username = form.get('username') ?? '';
  if (step !== 'password') {
    const challenge = await challengeSession(r, tx, step, session);
    if (!challenge) return signInPage(r, b, tx, { error: STEP_SESSION[step] ? SESSION_LOST : 'Unknown sign-in step.' });
    username = challenge.user.username;
  }
  let signedIn: { user: UserRecord } | undefined;
  const ctx: RequestContext = {
    requestId: randomUUID(),
    baseUrl: r.baseUrl,
    completeSignIn: async (state) => {
      signedIn = { user: state.user };
    },
  };
  const respond = (challengeName: string, responses: Record<string, string>, withSession = session) =>
    call<AuthResponse>(deps, 'RespondToAuthChallenge', {
      ClientId: client.id,
      ChallengeName: challengeName,
      Session: withSession,
      ChallengeResponses: withSecretHash(deps, client, username, { USERNAME: username, ...responses }, 'SECRET_HASH'),
    }, ctx);
  try {
    let response: AuthResponse;
    switch (step) {
      case 'password':
        response = await passwordFlow(deps, ctx, {
          pool, client, flow: 'USER_PASSWORD_AUTH', admin: false,
          parameters: withSecretHash(deps, client, username, { USERNAME: username, PASSWORD: form.get('password') ?? '' }, 'SECRET_HASH') as Record<string, string>,
        });
        break;
      case 'SOFTWARE_TOKEN_MFA':
        response = await respond(step, { SOFTWARE_TOKEN_MFA_CODE: (form.get('code') ?? '').trim() });
        break;
      case 'SMS_MFA':
        response = await respond(step, { SMS_MFA_CODE: (form.get('code') ?? '').trim() });
        break;
      case 'SELECT_MFA_TYPE':
        response = await respond(step, { ANSWER: form.get('mfa') ?? '' });
        break;
      case 'NEW_PASSWORD_REQUIRED': {
        const responses: Record<string, string> = { NEW_PASSWORD: form.get('new_password') ?? '' };
        for (const [name, value] of form) if (name.startsWith('userAttributes.')) responses[name] = value;
        response = await respond(step, responses);
        break;
      }
      case 'MFA_SETUP': {
        // VerifySoftwareToken on the set-up session, then the MFA_SETUP answer with the session it gives.
        const verified = await call<{ Session: string }>(deps, 'VerifySoftwareToken', { Session: session, UserCode: (form.get('code') ?? '').trim() }, ctx);
        response = await respond(step, {}, verified.Session);
        break;
      }
      default:
        return signInPage(r, b, tx, { error: 'Unknown sign-in step.' });
    }
    if (signedIn) return await finish(r, tx, signedIn.user, Math.floor(deps.clock.now() / 1000), true);
    return await challengePage(r, b, tx, response);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    // The password was right (the API checks it first): an unconfirmed user confirms, a user whose
    // password must be reset resets it, each with a code sent now, as Cognito's pages do.
    if (step === 'password' && err.type === 'UserNotConfirmedException') {
      return sendCodeThen(r, b, tx, username, err.message, 'ResendConfirmationCode', (destination) => confirmPage(r, b, tx, username, destination));
    }
    if (step === 'password' && err.type === 'PasswordResetRequiredException') {
      return sendCodeThen(r, b, tx, username, err.message, 'ForgotPassword', (destination) => resetPage(r, b, tx, username, destination));
    }
    if (step === 'password' || !RETRY.has(err.type)) return signInPage(r, b, tx, { error: err.message }, step === 'password' ? username : '');
    return retryPage(r, b, tx, step, session, err.message);
  }
}

/** The page of the challenge a sign-in step answered. */
async function challengePage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, response: AuthResponse, error?: string): Promise<Answer> {
  const name = response.ChallengeName ?? '';
  const params = response.ChallengeParameters;
  const username = params.USER_ID_FOR_SRP ?? '';
  const session = response.Session ?? '';
  switch (name) {
    case 'SOFTWARE_TOKEN_MFA':
    case 'SMS_MFA':
      return codePage(r, b, tx, name, session, error, params.CODE_DELIVERY_DESTINATION);
    case 'SELECT_MFA_TYPE':
      return selectPage(r, b, tx, session, JSON.parse(params.MFAS_CAN_CHOOSE ?? '[]') as string[], error);
    case 'NEW_PASSWORD_REQUIRED':
      return newPasswordPage(r, b, tx, session, JSON.parse(params.requiredAttributes ?? '[]') as string[], error);
    case 'MFA_SETUP': {
      const canSetUp = JSON.parse(params.MFAS_CAN_SETUP ?? '[]') as string[];
      if (!canSetUp.includes('SOFTWARE_TOKEN_MFA')) {
        return signInPage(r, b, tx, { error: 'This user pool requires MFA that these pages cannot set up (SMS): ask an administrator.' });
      }
      const ctx: RequestContext = { requestId: randomUUID(), baseUrl: r.baseUrl };
      const associated = await call<{ SecretCode: string; Session: string }>(r.deps, 'AssociateSoftwareToken', { Session: session }, ctx);
      return setupPage(r, b, tx, associated.Session, username, associated.SecretCode, error);
    }
    default:
      return signInPage(r, b, tx, { error: `The ${name} challenge is not offered by these pages.` });
  }
}

/**
 * The same step again after a wrong answer, with the same session (which counted the attempt): only
 * while that session is still live, and only with the data of its own user.
 */
async function retryPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, step: string, session: string, error: string): Promise<Answer> {
  const challenge = await challengeSession(r, tx, step, session);
  if (!challenge) return signInPage(r, b, tx, { error });
  const { user } = challenge;
  switch (step) {
    case 'SOFTWARE_TOKEN_MFA':
    case 'SMS_MFA':
      return codePage(r, b, tx, step, session, error);
    case 'SELECT_MFA_TYPE':
      return selectPage(r, b, tx, session, userFactors(r.pool, user), error);
    case 'NEW_PASSWORD_REQUIRED':
      return newPasswordPage(r, b, tx, session, missingRequiredAttributes(r.pool, user.attributes).map((n) => `userAttributes.${n}`), error);
    case 'MFA_SETUP':
      if (!user.totpPendingSecretSealed) return signInPage(r, b, tx, { error });
      return setupPage(r, b, tx, session, user.username, openTotpSecret(r.deps, user, user.totpPendingSecretSealed), error);
    default:
      return signInPage(r, b, tx, { error });
  }
}

const codeField: Field = { name: 'code', label: 'Code', autocomplete: 'one-time-code', inputmode: 'numeric' };

function codePage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, step: string, session: string, error?: string, destination?: string): Answer {
  return page(r, b, tx, {
    title: step === 'SMS_MFA' ? 'Enter the code we sent' : 'Enter your authenticator code',
    intro: step === 'SMS_MFA'
      ? `Enter the code sent by SMS${destination ? ` to ${destination}` : ''}.`
      : 'Enter the 6-digit code from your authenticator app.',
    error,
    action: pageUrl(r, '/login', tx),
    hidden: hiddenFor(b, tx, { step, session }),
    fields: [codeField],
    submit: 'Sign in',
  }, error ? 400 : 200);
}

const FACTOR_LABELS: Record<string, string> = { SOFTWARE_TOKEN_MFA: 'Authenticator app', SMS_MFA: 'Text message (SMS)' };

function selectPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, session: string, choices: string[], error?: string): Answer {
  return page(r, b, tx, {
    title: 'Choose how to verify',
    error,
    action: pageUrl(r, '/login', tx),
    hidden: hiddenFor(b, tx, { step: 'SELECT_MFA_TYPE', session }),
    fields: [{ name: 'mfa', label: 'MFA method', type: 'radio', options: choices.map((c) => ({ value: c, label: FACTOR_LABELS[c] ?? c })) }],
    submit: 'Continue',
  }, error ? 400 : 200);
}

function newPasswordPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, session: string, required: string[], error?: string): Answer {
  const fields: Field[] = [{ name: 'new_password', label: 'New password', type: 'password', autocomplete: 'new-password' }];
  for (const name of required) {
    const attribute = name.replace(/^userAttributes\./, '');
    fields.push({ name: `userAttributes.${attribute}`, label: attributeLabel(attribute), type: attribute === 'email' ? 'email' : 'text' });
  }
  return page(r, b, tx, {
    title: 'Change your password',
    intro: 'You must set a new password to continue.',
    error,
    action: pageUrl(r, '/login', tx),
    hidden: hiddenFor(b, tx, { step: 'NEW_PASSWORD_REQUIRED', session }),
    fields,
    submit: 'Change password',
  }, error ? 400 : 200);
}

async function setupPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, session: string, username: string, secret: string, error?: string): Promise<Answer> {
  // The otpauth:// URI an authenticator reads, drawn on the server as a PNG data: URL.
  const issuer = String(r.pool.name);
  const qr = await QRCode.toDataURL(totpUri(secret, username, issuer), { margin: 1, width: 200 });
  const extra =
    `<p>Scan this QR code with an authenticator app, or enter the secret key by hand.</p>` +
    `<img class="qr" src="${esc(qr)}" alt="QR code of the authenticator set-up link">` +
    `<p>Secret key:</p><p class="secret" id="totp-secret">${esc(secret)}</p>`;
  return page(r, b, tx, {
    title: 'Set up your authenticator app',
    intro: 'This user pool requires multi-factor authentication.',
    error,
    extra,
    action: pageUrl(r, '/login', tx),
    hidden: hiddenFor(b, tx, { step: 'MFA_SETUP', session }),
    fields: [codeField],
    submit: 'Verify and sign in',
  }, error ? 400 : 200);
}

const ATTRIBUTE_LABELS: Record<string, string> = {
  email: 'Email', phone_number: 'Phone number', name: 'Name', given_name: 'Given name', family_name: 'Family name',
  preferred_username: 'Preferred username', birthdate: 'Birthdate', address: 'Address', gender: 'Gender', locale: 'Locale',
  middle_name: 'Middle name', nickname: 'Nickname', picture: 'Picture', profile: 'Profile', website: 'Website', zoneinfo: 'Time zone',
};
const attributeLabel = (name: string) => ATTRIBUTE_LABELS[name] ?? name;

// ---- forgot password ----

function forgotPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, error?: string): Answer {
  return page(r, b, tx, {
    title: 'Forgot your password?',
    intro: 'Enter your username and we will send you a code to reset your password.',
    error,
    action: pageUrl(r, '/forgotPassword', tx),
    hidden: hiddenFor(b, tx),
    fields: [{ name: 'username', label: usernameLabel(r.pool), autocomplete: 'username' }],
    submit: 'Reset my password',
    links: [{ href: pageUrl(r, '/login', tx), text: 'Back to sign in' }],
  }, error ? 400 : 200);
}

function resetPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, username: string, destination: string | undefined, error?: string): Answer {
  return page(r, b, tx, {
    title: 'Reset your password',
    intro: `We sent a code${destination ? ` to ${destination}` : ''}. Enter it with your new password.`,
    error,
    action: pageUrl(r, '/confirmForgotPassword', tx),
    hidden: hiddenFor(b, tx, { username }),
    fields: [codeField, { name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password' }],
    submit: 'Change password',
  }, error ? 400 : 200);
}

async function withTransaction(r: LoginRequest, render: (b: Browser, tx: AuthorizeRequest) => Answer | Promise<Answer>): Promise<Answer> {
  let tx: AuthorizeRequest;
  try {
    tx = await transaction(r);
  } catch (err) {
    return refusal(r, err);
  }
  return render(browser(r), tx);
}

export const forgotPasswordPage = (r: LoginRequest) => withTransaction(r, (b, tx) => forgotPage(r, b, tx));

export async function forgotPasswordPost(r: LoginRequest): Promise<Answer> {
  const p = await posted(r);
  if ('status' in p) return p;
  const { tx, b, form } = p;
  const username = form.get('username') ?? '';
  const ctx: RequestContext = { requestId: randomUUID(), baseUrl: r.baseUrl };
  try {
    const out = await call<{ CodeDeliveryDetails?: { Destination?: string } }>(
      r.deps, 'ForgotPassword', withSecretHash(r.deps, tx.client, username, { ClientId: tx.client.id, Username: username }), ctx,
    );
    return resetPage(r, b, tx, username, out.CodeDeliveryDetails?.Destination);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return forgotPage(r, b, tx, err.message);
  }
}

export async function confirmForgotPasswordPost(r: LoginRequest): Promise<Answer> {
  const p = await posted(r);
  if ('status' in p) return p;
  const { tx, b, form } = p;
  const username = form.get('username') ?? '';
  const ctx: RequestContext = { requestId: randomUUID(), baseUrl: r.baseUrl };
  try {
    await call(r.deps, 'ConfirmForgotPassword', withSecretHash(r.deps, tx.client, username, {
      ClientId: tx.client.id, Username: username, ConfirmationCode: (form.get('code') ?? '').trim(), Password: form.get('password') ?? '',
    }), ctx);
    return signInPage(r, b, tx, { notice: 'Your password has been changed. Sign in with your new password.' }, username);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return resetPage(r, b, tx, username, undefined, err.message);
  }
}

// ---- sign-up ----

/** What a sign-up asks besides the username and password: the pool's required attributes, and the email a code goes to. */
function signUpAttributes(pool: PoolRecord): string[] {
  const usernameIsEmail = ((pool.settings.UsernameAttributes as string[] | undefined) ?? []).includes('email');
  const wanted = missingRequiredAttributes(pool, []);
  const auto = (pool.settings.AutoVerifiedAttributes as string[] | undefined) ?? [];
  if (auto.includes('email') && !wanted.includes('email')) wanted.unshift('email');
  return wanted.filter((name) => !(usernameIsEmail && name === 'email'));
}

function signUpPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, error?: string, values: Map<string, string> = new Map()): Answer {
  const fields: Field[] = [{ name: 'username', label: usernameLabel(r.pool), autocomplete: 'username', value: values.get('username') }];
  for (const name of signUpAttributes(r.pool)) {
    fields.push({ name: `attr.${name}`, label: attributeLabel(name), type: name === 'email' ? 'email' : 'text', value: values.get(`attr.${name}`) });
  }
  fields.push({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password' });
  return page(r, b, tx, {
    title: 'Sign up',
    error,
    action: pageUrl(r, '/signup', tx),
    hidden: hiddenFor(b, tx),
    fields,
    submit: 'Sign up',
    links: [{ href: pageUrl(r, '/login', tx), text: 'Already have an account? Sign in' }],
  }, error ? 400 : 200);
}

function confirmPage(r: LoginRequest, b: Browser, tx: AuthorizeRequest, username: string, destination: string | undefined, error?: string): Answer {
  return page(r, b, tx, {
    title: 'Confirm your account',
    intro: `We sent a code${destination ? ` to ${destination}` : ''}. Enter it to confirm your account.`,
    error,
    action: pageUrl(r, '/confirm', tx),
    hidden: hiddenFor(b, tx, { username }),
    fields: [codeField],
    submit: 'Confirm account',
  }, error ? 400 : 200);
}

/** Sends a code (ResendConfirmationCode or ForgotPassword) and shows the page that takes it. */
async function sendCodeThen(
  r: LoginRequest, b: Browser, tx: AuthorizeRequest, username: string, reason: string, operation: string, next: (destination?: string) => Answer,
): Promise<Answer> {
  const ctx: RequestContext = { requestId: randomUUID(), baseUrl: r.baseUrl };
  try {
    const out = await call<{ CodeDeliveryDetails?: { Destination?: string } }>(
      r.deps, operation, withSecretHash(r.deps, tx.client, username, { ClientId: tx.client.id, Username: username }), ctx,
    );
    return next(out.CodeDeliveryDetails?.Destination);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return signInPage(r, b, tx, { error: `${reason} ${err.message}` }, username);
  }
}

const notAllowed = (r: LoginRequest) => htmlAnswer(403, renderMessage(stylesheetPath(r), 'Sign-up is not allowed', 'Only administrators can create users in this user pool.'), undefined);

export const signUpGet = (r: LoginRequest) => withTransaction(r, (b, tx) => (selfSignUp(r.pool) ? signUpPage(r, b, tx) : notAllowed(r)));

export async function signUpPost(r: LoginRequest): Promise<Answer> {
  const p = await posted(r);
  if ('status' in p) return p;
  const { tx, b, form } = p;
  if (!selfSignUp(r.pool)) return notAllowed(r);
  const username = form.get('username') ?? '';
  const UserAttributes = signUpAttributes(r.pool)
    .map((name) => ({ Name: name, Value: form.get(`attr.${name}`) ?? '' }))
    .filter((a) => a.Value !== '');
  const ctx: RequestContext = { requestId: randomUUID(), baseUrl: r.baseUrl };
  try {
    const out = await call<{ UserConfirmed: boolean; CodeDeliveryDetails?: { Destination?: string } }>(r.deps, 'SignUp', withSecretHash(r.deps, tx.client, username, {
      ClientId: tx.client.id, Username: username, Password: form.get('password') ?? '', UserAttributes,
    }), ctx);
    if (out.UserConfirmed) return signInPage(r, b, tx, { notice: 'Your account is ready. Sign in.' }, username);
    return confirmPage(r, b, tx, username, out.CodeDeliveryDetails?.Destination);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return signUpPage(r, b, tx, err.message, form);
  }
}

export async function confirmSignUpPost(r: LoginRequest): Promise<Answer> {
  const p = await posted(r);
  if ('status' in p) return p;
  const { tx, b, form } = p;
  const username = form.get('username') ?? '';
  const ctx: RequestContext = { requestId: randomUUID(), baseUrl: r.baseUrl };
  try {
    await call(r.deps, 'ConfirmSignUp', withSecretHash(r.deps, tx.client, username, {
      ClientId: tx.client.id, Username: username, ConfirmationCode: (form.get('code') ?? '').trim(),
    }), ctx);
    return signInPage(r, b, tx, { notice: 'Your account is confirmed. Sign in.' }, username);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return confirmPage(r, b, tx, username, undefined, err.message);
  }
}

// ---- GET /logout ----

/**
 * Signs the browser out of managed login: the session is deleted and its cookie cleared, then the
 * browser goes to `logout_uri`, which must be one of the client's LogoutURLs exactly (never an open
 * redirect), or, given authorize parameters instead (`redirect_uri` one of the CallbackURLs), to the
 * sign-in page. https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
 */
export async function logout(r: LoginRequest): Promise<Answer> {
  const { deps } = r;
  const clientId = r.query.get('client_id');
  const logoutUri = r.query.get('logout_uri');
  const secret = validSecret(r.cookies.get(SESSION_COOKIE));
  const endSession = async () => {
    if (secret) await deps.store.deleteLoginSession(sha256Hex(secret));
    return [clearCookie(r.domainUrl, SESSION_COOKIE)];
  };
  // The other form: sign out, then sign in again (response_type, redirect_uri ... as for /oauth2/authorize).
  if (logoutUri === null && r.query.has('redirect_uri')) {
    let tx: AuthorizeRequest;
    try {
      tx = await transaction(r);
    } catch (err) {
      return refusal(r, err);
    }
    return redirectAnswer(pageUrl(r, '/login', tx), await endSession());
  }
  const client = clientId ? await deps.store.getClient(clientId) : undefined;
  if (!client || client.poolId !== r.pool.id) {
    return htmlAnswer(400, renderMessage(stylesheetPath(r), 'Invalid request', 'The app client does not exist in this user pool.'), undefined);
  }
  if (!logoutUri || !logoutUrls(client).includes(logoutUri)) {
    return htmlAnswer(400, renderMessage(stylesheetPath(r), 'Invalid request', 'The logout URI is not one of the app client\'s sign-out URLs.'), undefined);
  }
  // Matched exactly as registered, sent percent-encoded (a Location header is ASCII).
  return redirectAnswer(new URL(logoutUri).href, await endSession());
}
