import type { Deps, Handler } from '../deps.js';
import { groupView } from '../domain/views.js';
import { loadPool } from './common.js';
import { loadGroup } from './groups.js';

export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    await loadPool(deps, input.UserPoolId);
    return { Group: groupView(await loadGroup(deps, input.UserPoolId, input.GroupName)) };
  };
