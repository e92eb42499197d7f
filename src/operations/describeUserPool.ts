import type { Deps, Handler } from '../deps.js';
import { poolView } from '../domain/views.js';
import { loadPool } from './common.js';

/** DescribeUserPool; `Domain` is the pool's prefix domain when it has one (CreateUserPoolDomain). */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const [pool, domain] = await Promise.all([loadPool(deps, input.UserPoolId), deps.store.getUserPoolDomainForPool(input.UserPoolId)]);
    return { UserPool: { ...poolView(pool), ...(domain ? { Domain: domain.domain } : {}) } };
  };
