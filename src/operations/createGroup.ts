import type { Deps, Handler } from '../deps.js';
import { groupView } from '../domain/views.js';
import { GroupExistsException } from '../errors.js';
import { loadPool } from './common.js';

/** https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    const now = deps.clock.now();
    const group = {
      poolId: input.UserPoolId,
      name: input.GroupName,
      description: input.Description ?? null,
      roleArn: input.RoleArn ?? null,
      precedence: input.Precedence ?? null,
      createdAt: now,
      modifiedAt: now,
    };
    // Cognito's message names no group (aws-amplify/amplify-backend#1781; docs/behaviour.md, "Groups").
    if (!(await deps.store.createGroup(group))) throw GroupExistsException('A group with the name already exists.');
    return { Group: groupView(group) };
  };
