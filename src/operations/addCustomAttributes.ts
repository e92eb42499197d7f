import type { Deps, Handler } from '../deps.js';
import { addCustomAttributes } from '../domain/schema.js';
import { TooManyRequestsException } from '../errors.js';
import { changePool } from './common.js';

/**
 * AddCustomAttributes: new custom attributes (`custom:` prefix added) join the pool's schema, under
 * the rules of CreateUserPool's Schema; an existing name is refused and the pool keeps at most 50.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AddCustomAttributes.html
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    // Its model has no ConcurrentModificationException: a pool still busy after the retries is
    // TooManyRequestsException.
    await changePool(
      deps,
      input.UserPoolId,
      (pool) => ({ ...pool, settings: { ...pool.settings, Schema: addCustomAttributes(pool.settings.Schema, input.CustomAttributes) } }),
      TooManyRequestsException,
    );
    return {};
  };
