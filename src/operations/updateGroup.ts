import type { Deps, Handler } from '../deps.js';
import { groupView } from '../domain/views.js';
import { ResourceNotFoundException } from '../errors.js';
import { loadPool } from './common.js';

/**
 * Changes only the members the request gives: the API reference says UpdateGroup "updates any of
 * the properties for precedence, IAM role, or description", and its example omits RoleArn and gets
 * the group's role back (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateGroup.html).
 * The older CLI text "If you don't provide a value for an attribute, it will be set to the default
 * value" is not followed (docs/behaviour.md, "Groups").
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const group = await deps.store.updateGroup(input.UserPoolId, input.GroupName, {
      description: input.Description,
      roleArn: input.RoleArn,
      precedence: input.Precedence,
      modifiedAt: deps.clock.now(),
    });
    if (!group) throw ResourceNotFoundException('Group not found.');
    return { Group: groupView(group) };
  };
