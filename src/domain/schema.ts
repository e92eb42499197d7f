import { InvalidParameterException } from '../errors.js';

/**
 * A pool's attribute schema: the standard attributes as Cognito defines them, the pool's changes to
 * them (Required, constraints, Mutable) and its custom attributes, as DescribeUserPool's
 * SchemaAttributes lists them; and the rules a CreateUserPool Schema or an AddCustomAttributes
 * request must meet. docs/behaviour.md, "Attribute schema", gives the sources and the choices.
 */

export type AttributeDataType = 'String' | 'Number' | 'DateTime' | 'Boolean';

/** SchemaAttributeType, with every member Cognito returns. Constraints are strings on the wire. */
export type SchemaAttribute = {
  Name: string;
  AttributeDataType: AttributeDataType;
  DeveloperOnlyAttribute: boolean;
  Mutable: boolean;
  Required: boolean;
  StringAttributeConstraints?: { MinLength?: string; MaxLength?: string };
  NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
};

const text = (Name: string, MinLength = '0', MaxLength = '2048'): SchemaAttribute => ({
  Name, AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false,
  StringAttributeConstraints: { MinLength, MaxLength },
});
const flag = (Name: string): SchemaAttribute => ({ Name, AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false });

/**
 * The standard attributes in the order, types and constraints DescribeUserPool returns them: the
 * AWS CLI's describe-user-pool example output (sub String immutable and required, 1 to 2048;
 * birthdate 10 to 10; *_verified Boolean; updated_at Number from 0; identities String without
 * constraints), https://docs.aws.amazon.com/cli/latest/reference/cognito-idp/describe-user-pool.html
 * and the developer guide's list,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#cognito-user-pools-standard-attributes
 */
export const STANDARD_SCHEMA: readonly SchemaAttribute[] = [
  { ...text('sub', '1'), Mutable: false, Required: true },
  text('name'), text('given_name'), text('family_name'), text('middle_name'), text('nickname'),
  text('preferred_username'), text('profile'), text('picture'), text('website'), text('email'), flag('email_verified'),
  text('gender'), text('birthdate', '10', '10'), text('zoneinfo'), text('locale'), text('phone_number'),
  flag('phone_number_verified'), text('address'),
  { Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
  { Name: 'identities', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false, StringAttributeConstraints: {} },
];

const STANDARD_BY_NAME = new Map(STANDARD_SCHEMA.map((a) => [a.Name, a]));

/**
 * The standard attributes requests may write: all but `identities`, which Cognito fills for users
 * of external identity providers (Cognate has none), so no request ever writes it.
 */
export const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set(STANDARD_SCHEMA.map((a) => a.Name).filter((n) => n !== 'identities'));

/** Custom attributes a pool may have: "Custom attributes per user pool: 50" (developer guide, quotas). */
export const MAX_CUSTOM_ATTRIBUTES = 50;
/** StringAttributeConstraints.MaxLength's ceiling: "String attributes cannot have a length of more than 2048". */
export const MAX_STRING_LENGTH = 2048;
const DATA_TYPES = new Set(['String', 'Number', 'DateTime', 'Boolean']);

/** A Schema entry as requests and older stored pools carry it: any member may be missing. */
interface SchemaEntry {
  Name?: unknown;
  AttributeDataType?: unknown;
  DeveloperOnlyAttribute?: unknown;
  Mutable?: unknown;
  Required?: unknown;
  StringAttributeConstraints?: { MinLength?: unknown; MaxLength?: unknown };
  NumberAttributeConstraints?: { MinValue?: unknown; MaxValue?: unknown };
}

/** A standard attribute's entry, its constraint objects copied too (callers may change them). */
function copy(a: SchemaAttribute): SchemaAttribute {
  const out: SchemaAttribute = { ...a };
  if (a.StringAttributeConstraints) out.StringAttributeConstraints = { ...a.StringAttributeConstraints };
  if (a.NumberAttributeConstraints) out.NumberAttributeConstraints = { ...a.NumberAttributeConstraints };
  return out;
}

const bareName = (name: string) => name.replace(/^(dev:)?custom:/, '');
const customName = (bare: string, developerOnly: boolean) => `${developerOnly ? 'dev:' : ''}custom:${bare}`;
const isStandard = (name: string) => STANDARD_BY_NAME.has(name);

/** Only members that are set: a constraint object with nothing in it stays `{}`, as Cognito shows it. */
function constraints<K extends string>(given: Record<string, unknown> | undefined, keys: K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) if (given?.[key] !== undefined && given[key] !== null) out[key] = String(given[key]);
  return out;
}

/**
 * The pool's whole schema, as DescribeUserPool's SchemaAttributes: every standard attribute with
 * the Schema's changes merged in, then the custom ones (`custom:x`, `dev:custom:x`). Accepts both
 * what CreateUserPool stores (the whole list, see `buildSchema`) and the raw Schema of pools stored
 * before it (custom names with or without their prefix), so applying it twice changes nothing.
 */
export function schemaAttributes(stored: unknown): SchemaAttribute[] {
  const byName = new Map<string, SchemaAttribute>(STANDARD_SCHEMA.map((a) => [a.Name, copy(a)]));
  for (const entry of Array.isArray(stored) ? (stored as SchemaEntry[]) : []) {
    if (typeof entry?.Name !== 'string') continue;
    const standard = byName.get(entry.Name);
    if (standard && isStandard(entry.Name)) {
      byName.set(entry.Name, mergeStandard(standard, entry));
      continue;
    }
    const developerOnly = entry.DeveloperOnlyAttribute === true || entry.Name.startsWith('dev:');
    const type = (DATA_TYPES.has(entry.AttributeDataType as string) ? entry.AttributeDataType : 'String') as AttributeDataType;
    const name = customName(bareName(entry.Name), developerOnly);
    byName.set(name, {
      Name: name,
      AttributeDataType: type,
      DeveloperOnlyAttribute: developerOnly,
      // Choice (docs/behaviour.md): a custom attribute is mutable unless the Schema says Mutable false.
      Mutable: entry.Mutable !== false,
      Required: false,
      ...(type === 'String' ? { StringAttributeConstraints: constraints(entry.StringAttributeConstraints, ['MinLength', 'MaxLength']) } : {}),
      ...(type === 'Number' ? { NumberAttributeConstraints: constraints(entry.NumberAttributeConstraints, ['MinValue', 'MaxValue']) } : {}),
    });
  }
  return [...byName.values()];
}

/** A standard attribute with what a Schema entry may change: Required, Mutable (never sub's) and its constraints. */
function mergeStandard(standard: SchemaAttribute, entry: SchemaEntry): SchemaAttribute {
  if (standard.Name === 'sub') return standard;
  const merged: SchemaAttribute = { ...standard };
  if (typeof entry.Required === 'boolean') merged.Required = entry.Required;
  if (typeof entry.Mutable === 'boolean') merged.Mutable = entry.Mutable;
  if (standard.StringAttributeConstraints && entry.StringAttributeConstraints) {
    merged.StringAttributeConstraints = { ...standard.StringAttributeConstraints, ...constraints(entry.StringAttributeConstraints, ['MinLength', 'MaxLength']) };
  }
  if (standard.NumberAttributeConstraints && entry.NumberAttributeConstraints) {
    merged.NumberAttributeConstraints = { ...standard.NumberAttributeConstraints, ...constraints(entry.NumberAttributeConstraints, ['MinValue', 'MaxValue']) };
  }
  return merged;
}

const INTEGER = /^[0-9]+$/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

/** The checks one Schema entry must pass, standard or custom. */
function checkEntry(entry: SchemaEntry, custom: boolean): void {
  const name = String(entry.Name);
  const standard = STANDARD_BY_NAME.get(name);
  const type = entry.AttributeDataType;
  if (custom && type === undefined) {
    throw InvalidParameterException('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
  }
  if (type !== undefined && !DATA_TYPES.has(type as string)) {
    throw InvalidParameterException('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
  }
  if (standard && ((type !== undefined && type !== standard.AttributeDataType) || entry.DeveloperOnlyAttribute === true)) {
    throw InvalidParameterException(`You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute ${name}`);
  }
  if (custom && entry.Required === true) throw InvalidParameterException('Required custom attributes are not supported currently.');
  if (standard?.Name === 'sub' && (entry.Mutable === true || entry.Required === false)) {
    throw InvalidParameterException('The schema attribute sub cannot be mutable or optional.');
  }
  const effective = (type ?? standard?.AttributeDataType) as AttributeDataType;
  const strings = entry.StringAttributeConstraints;
  if (strings && effective === 'String') {
    const min = strings.MinLength ?? standard?.StringAttributeConstraints?.MinLength;
    const max = strings.MaxLength ?? standard?.StringAttributeConstraints?.MaxLength;
    for (const value of [min, max]) {
      if (value !== undefined && !INTEGER.test(String(value))) {
        throw InvalidParameterException(`Invalid string constraints for attribute ${name}: MinLength and MaxLength must be whole numbers.`);
      }
    }
    if (max !== undefined && Number(max) > MAX_STRING_LENGTH) {
      throw InvalidParameterException(`String attributes cannot have a length of more than ${MAX_STRING_LENGTH}`);
    }
    if (min !== undefined && max !== undefined && Number(min) > Number(max)) {
      throw InvalidParameterException(`Invalid string constraints for attribute ${name}: MinLength must not be greater than MaxLength.`);
    }
  }
  const numbers = entry.NumberAttributeConstraints;
  if (numbers && effective === 'Number') {
    const min = numbers.MinValue ?? standard?.NumberAttributeConstraints?.MinValue;
    const max = numbers.MaxValue ?? standard?.NumberAttributeConstraints?.MaxValue;
    for (const value of [min, max]) {
      if (value !== undefined && !NUMBER.test(String(value))) {
        throw InvalidParameterException(`Invalid number constraints for attribute ${name}: MinValue and MaxValue must be numbers.`);
      }
    }
    if (min !== undefined && max !== undefined && Number(min) > Number(max)) {
      throw InvalidParameterException(`Invalid number constraints for attribute ${name}: MinValue must not be greater than MaxValue.`);
    }
  }
}

/**
 * The schema CreateUserPool stores: the request's Schema checked, then merged into the whole list
 * (`schemaAttributes`). A name that is not a standard attribute is a custom one (a `custom:`
 * prefix given in the request is not doubled). The model already bounds the list (50 entries) and
 * each name (1 to 20 characters).
 */
export function buildSchema(requested: unknown): SchemaAttribute[] {
  const entries = Array.isArray(requested) ? (requested as SchemaEntry[]) : [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry?.Name !== 'string' || entry.Name === '') throw InvalidParameterException('Schema attributes must have a name.');
    const custom = !isStandard(entry.Name);
    const key = custom ? bareName(entry.Name) : entry.Name;
    if (seen.has(key)) throw InvalidParameterException(`Duplicate attribute name in the schema: ${entry.Name}`);
    seen.add(key);
    checkEntry(entry, custom);
  }
  const schema = schemaAttributes(entries);
  checkCustomCount(schema);
  return schema;
}

/**
 * AddCustomAttributes: each entry is a custom attribute (its name gets the `custom:` prefix even
 * when it is a standard attribute's), none may exist yet ("Existing attribute already has name
 * custom:x."), and the pool keeps at most MAX_CUSTOM_ATTRIBUTES. Returns the pool's new schema.
 */
export function addCustomAttributes(stored: unknown, added: unknown): SchemaAttribute[] {
  const current = schemaAttributes(stored);
  const taken = new Set(current.filter((a) => /^(dev:)?custom:/.test(a.Name)).map((a) => bareName(a.Name)));
  const entries = Array.isArray(added) ? (added as SchemaEntry[]) : [];
  const fresh = new Set<string>();
  const prefixed: SchemaEntry[] = [];
  for (const entry of entries) {
    if (typeof entry?.Name !== 'string' || entry.Name === '') throw InvalidParameterException('Schema attributes must have a name.');
    const bare = bareName(entry.Name);
    if (taken.has(bare) || fresh.has(bare)) throw InvalidParameterException(`Existing attribute already has name custom:${bare}.`);
    fresh.add(bare);
    const developerOnly = entry.DeveloperOnlyAttribute === true;
    const named = { ...entry, Name: customName(bare, developerOnly), DeveloperOnlyAttribute: developerOnly };
    checkEntry(named, true);
    prefixed.push(named);
  }
  const schema = schemaAttributes([...current, ...prefixed]);
  checkCustomCount(schema);
  return schema;
}

/** At most MAX_CUSTOM_ATTRIBUTES custom attributes in a schema (choice of wording: docs/behaviour.md). */
function checkCustomCount(schema: SchemaAttribute[]): void {
  if (schema.filter((a) => /^(dev:)?custom:/.test(a.Name)).length > MAX_CUSTOM_ATTRIBUTES) {
    throw InvalidParameterException(`A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`);
  }
}
