import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException } from '../errors.js';
import { loadPool } from './common.js';
import { managedLoginVersion, refuseCustomDomain } from './userPoolDomains.js';

/**
 * UpdateUserPoolDomain: for a prefix domain, only its ManagedLoginVersion changes (a prefix is
 * never renamed: delete and create again). An absent version keeps the current one.
 */
export default (deps: Pick<Deps, 'store' | 'clock'>): Handler =>
  async (input) => {
    refuseCustomDomain(input);
    await loadPool(deps, input.UserPoolId);
    const current = await deps.store.getUserPoolDomain(input.Domain);
    if (!current || current.poolId !== input.UserPoolId) throw InvalidParameterException('No such domain or user pool exists.');
    const version = managedLoginVersion(input.ManagedLoginVersion, current.version);
    const updated = await deps.store.updateUserPoolDomain(input.UserPoolId, input.Domain, { version, modifiedAt: deps.clock.now() });
    if (!updated) throw InvalidParameterException('No such domain or user pool exists.');
    return { ManagedLoginVersion: updated.version };
  };
