import type { Deps, Handler } from '../deps.js';
import { domainDescription } from './userPoolDomains.js';

/**
 * DescribeUserPoolDomain. A domain nobody holds is no error: Cognito answers an empty
 * DomainDescription, which is how scripts test whether a prefix is free.
 */
export default (deps: Pick<Deps, 'store'>): Handler =>
  async (input) => {
    const domain = await deps.store.getUserPoolDomain(input.Domain);
    return { DomainDescription: domain ? domainDescription(domain) : {} };
  };
