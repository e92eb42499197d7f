import type { Deps } from '../deps.js';
import { InvalidOAuthFlowException, InvalidParameterException, ScopeDoesNotExistException } from '../errors.js';

/**
 * The OAuth settings of an app client (Create/UpdateUserPoolClient), checked as Cognito checks
 * them; messages are Cognito's where they are known (docs/behaviour.md, "Managed login").
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
 */

/** The scopes Cognito defines; any other is `<resource server identifier>/<scope name>`. */
export const STANDARD_SCOPES = ['phone', 'email', 'openid', 'profile', 'aws.cognito.signin.user.admin'];

/** Cognate has no external identity providers: the pool's own directory is the only one. */
const PROVIDERS = ['COGNITO'];

/**
 * A custom scope's resource server and name: the name holds no `/` (the model's pattern), so the
 * identifier is everything before the last one (identifiers are often URLs).
 */
export function splitCustomScope(scope: string): { identifier: string; name: string } | undefined {
  const slash = scope.lastIndexOf('/');
  if (slash <= 0 || slash === scope.length - 1) return undefined;
  return { identifier: scope.slice(0, slash), name: scope.slice(slash + 1) };
}

/**
 * A redirect URI "must be an absolute URI, ... not include a fragment component", and "Amazon
 * Cognito requires HTTPS over HTTP except for http://localhost"; app schemes (myapp://) are allowed.
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (uri.includes('#')) return 'must not include a fragment';
  if (url.protocol === 'http:' && url.hostname !== 'localhost') return 'must use HTTPS unless its host is localhost';
  return undefined;
}

export async function checkOAuthSettings(
  deps: Pick<Deps, 'store'>,
  poolId: string,
  settings: Record<string, any>,
  hasSecret: boolean,
): Promise<void> {
  for (const provider of (settings.SupportedIdentityProviders ?? []) as string[]) {
    if (!PROVIDERS.includes(provider)) throw InvalidParameterException(`The provider ${provider} does not exist for User Pool ${poolId}`);
  }
  const flows = (settings.AllowedOAuthFlows ?? []) as string[];
  const scopes = (settings.AllowedOAuthScopes ?? []) as string[];
  if (settings.AllowedOAuthFlowsUserPoolClient === true && (flows.length === 0 || scopes.length === 0)) {
    throw InvalidParameterException('AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.');
  }
  const browserFlow = flows.includes('code') || flows.includes('implicit');
  if (flows.includes('client_credentials')) {
    if (browserFlow) throw InvalidOAuthFlowException('client_credentials flow can not be selected along with code flow or implicit flow.');
    if (!hasSecret) throw InvalidOAuthFlowException('client_credentials flow can not be selected if client does not have a client secret.');
    // A machine has no user: only the resource servers' scopes mean anything to it.
    const standard = scopes.find((scope) => STANDARD_SCOPES.includes(scope));
    if (standard) throw InvalidOAuthFlowException(`${standard} is not supported with client_credentials flow`);
  }
  for (const scope of scopes) {
    if (STANDARD_SCOPES.includes(scope)) continue;
    const custom = splitCustomScope(scope);
    const server = custom && (await deps.store.getResourceServer(poolId, custom.identifier));
    if (!server || !server.scopes.some((s) => s.ScopeName === custom!.name)) throw ScopeDoesNotExistException(`Invalid scope requested: ${scope}`);
  }
  const callbacks = (settings.CallbackURLs ?? []) as string[];
  for (const [name, urls] of [['CallbackURLs', callbacks], ['LogoutURLs', settings.LogoutURLs ?? []]] as const) {
    for (const url of urls as string[]) {
      const problem = redirectUriProblem(url);
      if (problem) throw InvalidParameterException(`${name} member ${url} ${problem}.`);
    }
  }
  if (browserFlow && callbacks.length === 0) {
    throw InvalidOAuthFlowException('CallbackUrls can not be empty when code flow or implicit flow is selected');
  }
  if (settings.DefaultRedirectURI !== undefined) {
    const problem = redirectUriProblem(settings.DefaultRedirectURI);
    if (problem) throw InvalidParameterException(`DefaultRedirectURI ${problem}.`);
    if (!callbacks.includes(settings.DefaultRedirectURI)) throw InvalidParameterException('DefaultRedirectURI must be one of the CallbackURLs.');
  }
}
