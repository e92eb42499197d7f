import { InvalidParameterException } from '../errors.js';

/**
 * Fixed ids (docs/seed.md): a seed file, or a tag on CreateUserPool, may name the ids Cognate
 * gives a pool or an app client, so that an application's configuration can hold them before the
 * server starts. Cognito itself never takes an id from the caller.
 */

/** `UserPoolTags: { "cognate:id": "us-east-1_Fixed1234" }` on CreateUserPool fixes the pool's id. */
export const POOL_ID_TAG = 'cognate:id';
/**
 * A pool tag `cognate:client-id:<ClientName>` fixes the id of the app client of that name that
 * CreateUserPoolClient creates in the pool (CreateUserPoolClient itself has no tags).
 */
export const CLIENT_ID_TAG_PREFIX = 'cognate:client-id:';

/** The region, an underscore, then 1 to 40 letters or digits: `us-east-1_Fixed1234`. */
export const POOL_ID_PATTERN = /^([a-z]{2}(?:-[a-z]+)+-\d)_([A-Za-z0-9]{1,40})$/;
/** The model's ClientIdType: 1 to 128 of `[\w+]`. */
export const CLIENT_ID_PATTERN = /^[\w+]{1,128}$/;
/** The model's ClientSecretType: 24 to 64 of `[\w+]`. */
export const CLIENT_SECRET_PATTERN = /^[\w+]{24,64}$/;

/** Why `id` cannot be a pool id of a server in `region`, or undefined when it can. */
export function poolIdProblem(id: string, region: string): string | undefined {
  const match = POOL_ID_PATTERN.exec(id);
  if (!match) return `'${id.slice(0, 100)}' is not a user pool id: the region, '_', then 1 to 40 letters or digits (${region}_Example123)`;
  if (match[1] !== region) return `'${id}' is in region ${match[1]}, but this server's region is ${region} (--region)`;
  return undefined;
}

export function clientIdProblem(id: string): string | undefined {
  return CLIENT_ID_PATTERN.test(id) ? undefined : `'${id.slice(0, 140)}' is not a client id: 1 to 128 letters, digits, '_' or '+'`;
}

export function clientSecretProblem(secret: string): string | undefined {
  return CLIENT_SECRET_PATTERN.test(secret) ? undefined : 'a client secret is 24 to 64 letters, digits, \'_\' or \'+\'';
}

/** The fixed pool id a CreateUserPool request asks for through its tag, checked. */
export function poolIdFromTags(tags: Record<string, string> | undefined, region: string): string | undefined {
  const id = tags?.[POOL_ID_TAG];
  if (id === undefined) return undefined;
  const problem = poolIdProblem(id, region);
  if (problem) throw InvalidParameterException(`Tag ${POOL_ID_TAG}: ${problem}.`);
  return id;
}

/** The fixed client id a pool's tags give the client named `clientName`, checked. */
export function clientIdFromTags(tags: Record<string, string> | undefined, clientName: string): string | undefined {
  const id = tags?.[`${CLIENT_ID_TAG_PREFIX}${clientName}`];
  if (id === undefined) return undefined;
  const problem = clientIdProblem(id);
  if (problem) throw InvalidParameterException(`Tag ${CLIENT_ID_TAG_PREFIX}${clientName}: ${problem}.`);
  return id;
}
