/**
 * A user pool domain's endpoints (managed login). Cognito serves them at
 * `https://<prefix>.auth.<region>.amazoncognito.com/...`; Cognate serves the same paths under its
 * own URL, `http://<host:port>/domains/<prefix>/...` (docs/behaviour.md, "Managed login"), so no
 * DNS name is needed. The prefix is resolved to its pool through the store, then the request goes
 * to the route of its method and path (`ROUTES`, src/oauth/routes.ts).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.js';
import { DOMAIN_CORS, DOMAINS_PREFIX, domainUrlFor, sendPage } from './endpoint.js';
import { ROUTES } from './routes.js';

/** A prefix as CreateUserPoolDomain accepts it (the model's DomainType, without dots: no custom domains). */
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Answers a request under /domains/; false when the path is not one (the caller goes on). An
 * unknown prefix, path or method is answered with a page, never passed on.
 */
export async function handleDomainRequest(deps: Deps, req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<boolean> {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const fullPath = queryAt < 0 ? url : url.slice(0, queryAt);
  if (!fullPath.startsWith(DOMAINS_PREFIX)) return false;
  const rest = fullPath.slice(DOMAINS_PREFIX.length);
  const slash = rest.indexOf('/');
  const prefix = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '/' : rest.slice(slash);
  const domain = PREFIX.test(prefix) ? await deps.store.getUserPoolDomain(prefix) : undefined;
  const pool = domain && (await deps.store.getPool(domain.poolId));
  if (!domain || !pool) {
    sendPage(res, 404, 'Not found', 'No user pool domain is served here.');
    return true;
  }
  const methods = ROUTE_METHODS.get(path);
  if (req.method === 'OPTIONS' && methods) {
    // A preflight of fetch() from a web application (the token, userInfo and revoke endpoints).
    res.writeHead(204, { ...DOMAIN_CORS, 'access-control-allow-methods': [...methods, 'OPTIONS'].join(', ') });
    res.end();
    return true;
  }
  const route = ROUTES[`${req.method} ${path}`];
  if (!route) {
    if (methods) {
      res.setHeader('allow', methods.join(', '));
      sendPage(res, 405, 'Method not allowed', 'This endpoint does not answer that method.');
    } else {
      sendPage(res, 404, 'Not found', 'There is no such page.');
    }
    return true;
  }
  const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  await route({ deps, req, res, domain, pool, path, query, baseUrl, domainUrl: domainUrlFor(deps, baseUrl, domain.domain) });
  return true;
}

/** Each routed path's methods, for 405 answers and preflights. */
const ROUTE_METHODS: Map<string, string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const key of Object.keys(ROUTES)) {
    const [method, path] = key.split(' ');
    map.set(path, [...(map.get(path) ?? []), method]);
  }
  return map;
})();
