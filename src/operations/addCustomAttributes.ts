import type { Deps, Handler } from '../deps.js';
import { addCustomAttributes } from '../domain/schema.js';
import { loadPool } from './common.js';

/**
 * AddCustomAttributes: new custom attributes (`custom:` prefix added) join the pool's schema, under
 * the rules of CreateUserPool's Schema; an existing name is refused and the pool keeps at most 50.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AddCustomAttributes.html
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const Schema = addCustomAttributes(pool.settings.Schema, input.CustomAttributes);
    await deps.store.updatePool({ ...pool, settings: { ...pool.settings, Schema }, modifiedAt: deps.clock.now() });
    return {};
  };
