import type { Deps, Handler } from '../deps.js';
import { poolView } from '../domain/views.js';
import { loadPool } from './common.js';

/** DescribeUserPool; `Domain` is the pool's prefix domain when it has one (CreateUserPoolDomain). */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const [domain, users] = await Promise.all([deps.store.getUserPoolDomainForPool(pool.id), deps.store.countUsers(pool.id)]);
    return { UserPool: { ...poolView(pool, users), ...(domain ? { Domain: domain.domain } : {}) } };
  };
