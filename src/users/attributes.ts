import { InvalidParameterException, NotAuthorizedException } from '../errors.js';
import type { ClientRecord, PoolRecord, UserAttribute } from '../store/store.js';
import { isEmail, isPhone } from '../domain/attributeValues.js';
import { schemaAttributes, STANDARD_ATTRIBUTES, type SchemaAttribute } from '../domain/schema.js';

/**
 * The rules for writing user attributes, in one place: every write of attributes a request carries
 * (SignUp, AdminCreateUser, AdminUpdateUserAttributes, UpdateUserAttributes and the
 * NEW_PASSWORD_REQUIRED answer's `userAttributes.*`) goes through `checkAttributeWrite`.
 * docs/behaviour.md, section "Attributes", gives the sources and the choices.
 */

/** The standard attributes requests may write (src/domain/schema.ts has their definitions). */
export { STANDARD_ATTRIBUTES };

/** Set only by verification (codes) and by administrators, never by users themselves. */
export const VERIFIED_ATTRIBUTES = new Set(['email_verified', 'phone_number_verified']);

/**
 * Who writes: an administrator (Admin* operations, signed with AWS credentials), or a user through
 * an app client (SignUp, UpdateUserAttributes, the NEW_PASSWORD_REQUIRED answer), whose
 * WriteAttributes bound what it may write. `at` says whether the user is being created.
 */
export type AttributeWriter =
  | { by: 'admin'; at: 'create' | 'update' }
  | { by: 'user'; at: 'create' | 'update'; client: ClientRecord };

export interface PoolAttribute {
  /** The name attributes carry: `email`, `custom:tier`, `dev:custom:tier`. */
  name: string;
  custom: boolean;
  developerOnly: boolean;
  /** Only `Mutable: false` in the pool's Schema makes an attribute immutable (sub is always). */
  mutable: boolean;
  required: boolean;
  /** Its SchemaAttributes entry: data type and constraints. */
  schema: SchemaAttribute;
}

/**
 * The pool's attributes by the names they are written with: its schema (src/domain/schema.ts)
 * but `identities`, which no request writes.
 */
export function poolAttributes(pool: PoolRecord): Map<string, PoolAttribute> {
  const attributes = new Map<string, PoolAttribute>();
  for (const schema of schemaAttributes(pool.settings.Schema)) {
    if (schema.Name === 'identities') continue;
    const custom = !STANDARD_ATTRIBUTES.has(schema.Name);
    attributes.set(schema.Name, {
      name: schema.Name,
      custom,
      developerOnly: schema.DeveloperOnlyAttribute,
      mutable: schema.Mutable,
      required: schema.Required,
      schema,
    });
  }
  return attributes;
}

/**
 * Names must be the pool's: a standard attribute or one of its Schema's custom ones. Anything
 * else (`cognito:groups`, `iss`, a typo) is refused with Cognito's messages, so no reserved claim
 * name can ever become an attribute.
 */
export function checkAttributeNames(pool: PoolRecord, attributes: UserAttribute[], known = poolAttributes(pool)): void {
  for (const { Name } of attributes) {
    if (known.has(Name)) continue;
    if (Name.startsWith('custom:') || Name.startsWith('dev:custom:')) {
      throw InvalidParameterException(`Attributes did not conform to the schema: Type for attribute {${Name}} could not be determined`);
    }
    throw InvalidParameterException(`Attributes did not conform to the schema: ${Name}: Attribute does not exist in the schema.`);
  }
}

/** Cognito's answer when an app client writes what it may not (WriteAttributes, *_verified, dev:). */
const unauthorizedAttribute = () => NotAuthorizedException('A client attempted to write unauthorized attribute');

/**
 * The one check every attribute write goes through; returns the attributes to write.
 * In order: names (the pool's schema), `sub` (never written), the writer's rights (users never
 * write *_verified or developer-only attributes, and only what their client's WriteAttributes
 * lists when it lists any), then mutability (an immutable attribute is written at creation only).
 */
export function checkAttributeWrite(pool: PoolRecord, writer: AttributeWriter, updates: UserAttribute[]): UserAttribute[] {
  const known = poolAttributes(pool);
  checkAttributeNames(pool, updates, known);
  // Cognito's own message for sub, at creation too.
  if (updates.some((a) => a.Name === 'sub')) throw InvalidParameterException('Cannot modify the non-mutable attribute sub');
  if (writer.by === 'user') {
    const listed = writer.client.settings.WriteAttributes;
    const allowed = Array.isArray(listed) && listed.length > 0 ? new Set(listed) : undefined;
    for (const { Name } of updates) {
      if (VERIFIED_ATTRIBUTES.has(Name) || known.get(Name)!.developerOnly || (allowed && !allowed.has(Name))) {
        throw unauthorizedAttribute();
      }
    }
  }
  if (writer.at === 'update') {
    const immutable = updates.find((a) => !known.get(a.Name)!.mutable);
    if (immutable) throw InvalidParameterException(`Cannot modify the non-mutable attribute ${immutable.Name}`);
  }
  for (const { Name, Value } of updates) {
    const attribute = known.get(Name)!;
    // A required attribute is never emptied (at creation, SignUp checks it with checkRequiredAttributes).
    if ((Value === undefined || Value === null || Value === '') && attribute.required && writer.at === 'update') {
      throw nonConforming(Name, 'The attribute is required');
    }
    const problem = valueProblem(attribute.schema, Value);
    if (problem) throw nonConforming(Name, problem);
  }
  // Boolean attributes are kept as written ("True" stays "True"): src/domain/attributeValues.ts.
  return updates;
}

const nonConforming = (name: string, why: string) => InvalidParameterException(`Attributes did not conform to the schema: ${name}: ${why}`);

const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
/** ISO 8601: a date, or a date and time with an optional fraction and offset. */
const DATE_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/;

/**
 * Why a value does not fit its attribute's data type and constraints, or undefined when it fits.
 * An empty value clears the attribute and is not checked (required attributes are, above).
 * Boolean values are accepted in any letter case, as Cognito accepts "True".
 */
export function valueProblem(schema: SchemaAttribute, value: string | undefined | null): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (schema.Name === 'email' && !isEmail(value)) return 'Invalid email address format.';
  if (schema.Name === 'phone_number' && !isPhone(value)) return 'Invalid phone number format.';
  switch (schema.AttributeDataType) {
    case 'String': {
      const { MinLength, MaxLength } = schema.StringAttributeConstraints ?? {};
      const length = [...value].length;
      if (length > Number(MaxLength ?? 2048)) return `String must be no longer than ${MaxLength ?? 2048} characters`;
      if (MinLength !== undefined && length < Number(MinLength)) return `String must be no shorter than ${MinLength} characters`;
      return undefined;
    }
    case 'Number': {
      if (!NUMBER.test(value)) return 'Number must be a number';
      const { MinValue, MaxValue } = schema.NumberAttributeConstraints ?? {};
      if (MinValue !== undefined && Number(value) < Number(MinValue)) return `Number must be no less than ${MinValue}`;
      if (MaxValue !== undefined && Number(value) > Number(MaxValue)) return `Number must be no greater than ${MaxValue}`;
      return undefined;
    }
    case 'DateTime':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T'))) ? undefined : 'DateTime must be an ISO 8601 date or date and time';
    case 'Boolean':
      return /^(true|false)$/i.test(value) ? undefined : 'Boolean must be true or false';
  }
}

/**
 * A new user (SignUp) must have every required attribute: Cognito's "Attributes did not conform to
 * the schema: <name>: The attribute is required". AdminCreateUser does not check: the user supplies
 * what is missing in the NEW_PASSWORD_REQUIRED answer.
 */
export function checkRequiredAttributes(pool: PoolRecord, attributes: UserAttribute[]): void {
  const missing = missingRequiredAttributes(pool, [{ Name: 'sub', Value: 'x' }, ...attributes]);
  if (missing.length > 0) throw nonConforming(missing[0], 'The attribute is required');
}

/**
 * The pool's required attributes the user lacks, by name: what NEW_PASSWORD_REQUIRED lists as
 * `requiredAttributes` and its answer must supply.
 */
export function missingRequiredAttributes(pool: PoolRecord, attributes: UserAttribute[]): string[] {
  const present = new Set(attributes.filter((a) => a.Value !== undefined && a.Value !== null && a.Value !== '').map((a) => a.Name));
  return [...poolAttributes(pool).values()].filter((a) => a.required && !present.has(a.name)).map((a) => a.name);
}

/** Merges attribute updates into a user's list; a changed email or phone number is unverified again. */
export function mergeAttributes(current: UserAttribute[], updates: UserAttribute[]): UserAttribute[] {
  const merged = new Map(current.map((a) => [a.Name, a.Value]));
  const given = new Set(updates.map((a) => a.Name));
  for (const { Name, Value } of updates) {
    if (Name === 'sub') throw InvalidParameterException(`Cannot modify the non-mutable attribute ${Name}`);
    if ((Name === 'email' || Name === 'phone_number') && merged.get(Name) !== Value && !given.has(`${Name}_verified`)) {
      if (merged.has(`${Name}_verified`) || Value) merged.set(`${Name}_verified`, 'false');
    }
    merged.set(Name, Value ?? '');
  }
  return [...merged].map(([Name, Value]) => ({ Name, Value }));
}

/**
 * An app client's ReadAttributes and WriteAttributes must name the pool's attributes (never sub
 * nor developer-only ones): Cognito's "Invalid write attributes specified while updating a client".
 */
export function checkClientAttributes(pool: PoolRecord, settings: Record<string, unknown>, action: 'creating' | 'updating'): void {
  const known = poolAttributes(pool);
  for (const [setting, word] of [['ReadAttributes', 'read'], ['WriteAttributes', 'write']] as const) {
    const names = settings[setting];
    if (!Array.isArray(names)) continue;
    for (const name of names) {
      const attribute = known.get(name);
      if (!attribute || attribute.developerOnly || name === 'sub') {
        throw InvalidParameterException(`Invalid ${word} attributes specified while ${action} a client`);
      }
    }
  }
}

/**
 * What a user reads through an app client (GetUser, the ID token): never developer-only attributes,
 * and only what the client's ReadAttributes lists when it lists any; sub always.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
 */
export function readableAttributes(client: ClientRecord, attributes: UserAttribute[]): UserAttribute[] {
  const listed = client.settings.ReadAttributes;
  const allowed = Array.isArray(listed) && listed.length > 0 ? new Set(listed) : undefined;
  return attributes.filter((a) => a.Name === 'sub' || (!a.Name.startsWith('dev:') && (!allowed || allowed.has(a.Name))));
}

/**
 * Whether an attribute may appear as an ID token claim: standard and custom attributes only, never
 * sub (the token sets it) nor developer-only ones. An allow-list, so that no stored name can ever
 * shadow a reserved claim (`cognito:groups`, `iss`, `aud`, `token_use`, `exp` ...).
 */
export function isTokenClaimAttribute(name: string): boolean {
  return (STANDARD_ATTRIBUTES.has(name) && name !== 'sub') || name.startsWith('custom:');
}
