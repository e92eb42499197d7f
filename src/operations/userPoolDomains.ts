import { InvalidParameterException } from '../errors.js';
import type { UserPoolDomainRecord } from '../store/store.js';

/**
 * User pool domains (CreateUserPoolDomain ...). Cognate serves prefix domains only, at
 * `/domains/<prefix>/` on its own URL (docs/behaviour.md, "Managed login").
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html
 */

/** ManagedLoginVersion: 1 is the classic hosted UI, 2 managed login; a prefix domain defaults to 1. */
export function managedLoginVersion(value: number | undefined, fallback = 1): number {
  if (value === undefined) return fallback;
  if (value !== 1 && value !== 2) throw InvalidParameterException('ManagedLoginVersion must be 1 or 2.');
  return value;
}

/**
 * "The domain can't contain the reserved words aws, amazon, or cognito" (developer guide, "Using
 * the Amazon Cognito domain for managed login").
 */
export function checkPrefix(domain: string): void {
  const reserved = ['aws', 'amazon', 'cognito'].find((word) => domain.includes(word));
  if (reserved) throw InvalidParameterException(`Domain cannot contain reserved word: ${reserved}`);
}

/** Only prefix domains: a custom domain needs a certificate and DNS, which a local server has no use for. */
export function refuseCustomDomain(input: { CustomDomainConfig?: unknown }): void {
  if (input.CustomDomainConfig !== undefined) {
    throw InvalidParameterException('Cognate serves prefix domains only: CustomDomainConfig is not supported (docs/behaviour.md, "Managed login").');
  }
}

/** DomainDescriptionType, as DescribeUserPoolDomain returns it for a prefix domain. */
export function domainDescription(domain: UserPoolDomainRecord): Record<string, unknown> {
  return {
    UserPoolId: domain.poolId,
    AWSAccountId: '000000000000',
    Domain: domain.domain,
    Status: domain.status,
    ManagedLoginVersion: domain.version,
  };
}
