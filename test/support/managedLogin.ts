/**
 * Managed login in tests: a pool with a domain and an OAuth app client, PKCE values, and a small
 * cookie-keeping HTTP "browser" that reads the pages' forms and posts them over the real wire.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, CreateUserPoolDomainCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createPool } from './fixtures.js';
import type { TestServer } from './server.js';

export interface OAuthApp {
  poolId: string;
  clientId: string;
  clientSecret?: string;
  domain: string;
  /** `<server>/domains/<prefix>` */
  domainUrl: string;
  redirectUri: string;
  logoutUri: string;
}

export const REDIRECT_URI = 'https://app.example/callback';
export const LOGOUT_URI = 'https://app.example/signed-out';

/** A pool (MFA as asked) with a domain and an app client of the code and implicit flows. */
export async function oauthApp(
  server: TestServer,
  cognito: CognitoIdentityProviderClient,
  options: { mfa?: 'OFF' | 'ON' | 'OPTIONAL'; secret?: boolean; flows?: ('code' | 'implicit')[]; scopes?: string[]; emailAlias?: boolean } = {},
): Promise<OAuthApp> {
  // An email alias (AliasAttributes) can only be chosen when the pool is created.
  const poolId = options.emailAlias
    ? (await cognito.send(new CreateUserPoolCommand({ PoolName: 'alias', AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!
    : (await createPool(cognito, { mfa: options.mfa })).poolId;
  const app = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'web',
      GenerateSecret: options.secret ?? false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: options.flows ?? ['code', 'implicit'],
      AllowedOAuthScopes: options.scopes ?? ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      CallbackURLs: [REDIRECT_URI, 'https://app.example/other'],
      LogoutURLs: [LOGOUT_URI],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
    }),
  );
  const domain = `login-${poolId.split('_')[1].toLowerCase()}`;
  await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain, ManagedLoginVersion: 2 }));
  return {
    poolId,
    clientId: app.UserPoolClient!.ClientId!,
    clientSecret: app.UserPoolClient!.ClientSecret,
    domain,
    domainUrl: `${server.url}/domains/${domain}`,
    redirectUri: REDIRECT_URI,
    logoutUri: LOGOUT_URI,
  };
}

/** RFC 7636: a verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(app: OAuthApp, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: app.redirectUri, ...params });
  return `${app.domainUrl}/oauth2/authorize?${query}`;
}

export interface Answer {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The page's form: its action and hidden fields. */
export function formOf(html: string): { action: string; hidden: Record<string, string> } {
  const action = /<form method="post" action="([^"]*)"/.exec(html);
  if (!action) throw new Error(`no form on the page:\n${html}`);
  const hidden: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) hidden[unescape(m[1])] = unescape(m[2]);
  return { action: unescape(action[1]), hidden };
}

/** The error shown on a page, if any. */
export const pageError = (html: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];

/** A browser without JavaScript: cookies by name, redirects not followed unless asked. */
export class HttpBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  private keep(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attrs] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async send(url: string, init: RequestInit = {}): Promise<Answer> {
    const absolute = new URL(url, this.origin).toString();
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    const res = await fetch(absolute, { ...init, headers, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text(), headers: res.headers };
  }

  get(url: string): Promise<Answer> {
    return this.send(url);
  }

  post(url: string, fields: Record<string, string>): Promise<Answer> {
    return this.send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  }

  /** GETs the URL and follows redirects that stay on this server. */
  async open(url: string): Promise<Answer> {
    let answer = await this.get(url);
    for (let i = 0; i < 5 && answer.status === 302 && answer.location && new URL(answer.location, this.origin).origin === this.origin; i++) {
      answer = await this.get(answer.location);
    }
    return answer;
  }

  /** Posts a page's form with its hidden fields and these. */
  submit(page: Answer, fields: Record<string, string>): Promise<Answer> {
    const form = formOf(page.html);
    return this.post(form.action, { ...form.hidden, ...fields });
  }
}

/** The code (or error) an answer redirects to the application with. */
export function callbackParams(answer: Answer): URLSearchParams {
  if (answer.status !== 302 || !answer.location) throw new Error(`not a redirect (${answer.status}):\n${answer.html}`);
  const url = new URL(answer.location);
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
}

/** A token request to the domain's token endpoint. */
export async function tokenRequest(app: OAuthApp, fields: Record<string, string>, basic?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  const res = await fetch(`${app.domainUrl}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  return { status: res.status, body: await res.json() };
}

/** A JWT's payload, unverified. */
export const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
