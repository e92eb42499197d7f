import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { loadPool } from './common.js';
import { checkPrefix, managedLoginVersion, refuseCustomDomain } from './userPoolDomains.js';

/**
 * CreateUserPoolDomain: a prefix domain, unique across the server (as Cognito's across a
 * region), one per pool. Cognate's domain is ACTIVE at once and served at /domains/<prefix>/.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    refuseCustomDomain(input);
    await loadPool(deps, input.UserPoolId);
    checkPrefix(input.Domain);
    const version = managedLoginVersion(input.ManagedLoginVersion);
    const now = deps.clock.now();
    const created = await deps.store.createUserPoolDomain({
      domain: input.Domain,
      poolId: input.UserPoolId,
      version,
      status: 'ACTIVE',
      createdAt: now,
      modifiedAt: now,
    });
    if (!created) {
      // The insert refuses both conflicts; which one it was is told by who holds the domain.
      const holder = await deps.store.getUserPoolDomain(input.Domain);
      if (holder && holder.poolId !== input.UserPoolId) throw InvalidParameterException('Domain already associated with another user pool');
      throw InvalidParameterException('User pool already has a domain configured');
    }
    return { ManagedLoginVersion: version };
  };
