import type { Deps } from '../deps.js';
import { ResourceNotFoundException } from '../errors.js';
import type { GroupRecord } from '../store/store.js';

/**
 * The group a request names, or Cognito's refusal: ResourceNotFoundException "Group not found."
 * (the message AWS SDK users quote, e.g. aws-amplify/amplify-cli#2214).
 */
export async function loadGroup(deps: Pick<Deps, 'store'>, poolId: string, name: string): Promise<GroupRecord> {
  const group = await deps.store.getGroup(poolId, name);
  if (!group) throw ResourceNotFoundException('Group not found.');
  return group;
}

/**
 * A page size from a request's Limit (0..60 in the model). Cognito does not say what 0 or no Limit
 * means; as ListUsers, Cognate reads both as 60, so a paginator never loops on empty pages
 * (docs/behaviour.md, "Groups").
 */
export const pageLimit = (limit: number | undefined): number => limit || 60;
