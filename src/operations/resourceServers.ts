import type { Deps } from '../deps.js';
import { InvalidParameterException, ResourceNotFoundException } from '../errors.js';
import type { ResourceServerRecord, ResourceServerScope } from '../store/store.js';

/**
 * Resource servers and their custom scopes; app clients list a scope as `<Identifier>/<ScopeName>`
 * (developer guide, "Scopes, M2M, and APIs with resource servers").
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
 */

/** ResourceServerType. */
export function resourceServerView(server: ResourceServerRecord): Record<string, unknown> {
  return { UserPoolId: server.poolId, Identifier: server.identifier, Name: server.name, Scopes: server.scopes };
}

/** The request's scopes, each name once (the model checks names, descriptions and the count). */
export function requestScopes(scopes: ResourceServerScope[] | undefined): ResourceServerScope[] {
  const list = (scopes ?? []).map(({ ScopeName, ScopeDescription }) => ({ ScopeName, ScopeDescription }));
  const seen = new Set<string>();
  for (const { ScopeName } of list) {
    if (seen.has(ScopeName)) throw InvalidParameterException(`Duplicate scope name: ${ScopeName}`);
    seen.add(ScopeName);
  }
  return list;
}

export const resourceServerMissing = (identifier: string, poolId: string) =>
  ResourceNotFoundException(`Resource server ${identifier} does not exist in user pool ${poolId}.`);

export async function loadResourceServer(deps: Pick<Deps, 'store'>, poolId: string, identifier: string): Promise<ResourceServerRecord> {
  const server = await deps.store.getResourceServer(poolId, identifier);
  if (!server) throw resourceServerMissing(identifier, poolId);
  return server;
}
