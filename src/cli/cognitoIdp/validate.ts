/**
 * Client-side parameter validation with the rules and wording of botocore (the AWS CLI v1):
 * required members, unknown members, types, and minimum lengths and values. Every error is
 * collected; the report is one line per error under `Parameter validation failed:`.
 *
 * Values are described the way Python prints them (`value: yes, type: <class 'str'>`), since
 * that is what users of the AWS CLI see.
 */
import { shapeOf, type Shape } from './model.js';
import { isPlainObject } from './shorthand.js';

const T = {
  str: "<class 'str'>",
  int: "<class 'int'>",
  float: "<class 'float'>",
  decimal: "<class 'decimal.Decimal'>",
  bool: "<class 'bool'>",
  list: "<class 'list'>",
  tuple: "<class 'tuple'>",
  dict: "<class 'dict'>",
  bytes: "<class 'bytes'>",
  bytearray: "<class 'bytearray'>",
  none: "<class 'NoneType'>",
};

/** The Python type a JSON value would have after json.loads. */
function pyType(v: unknown): string {
  if (v === null || v === undefined) return T.none;
  if (typeof v === 'boolean') return T.bool;
  if (typeof v === 'number') return Number.isInteger(v) ? T.int : T.float;
  if (typeof v === 'string') return T.str;
  if (Array.isArray(v)) return T.list;
  if (v instanceof Uint8Array) return T.bytes;
  return T.dict;
}

function pyStrLiteral(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n).replace(/e\+?(-?)(\d)$/, 'e$1' + '0$2').replace('e0', 'e+0');
}

/** Python's repr() of a JSON value. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return pyStrLiteral(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Uint8Array) return `b${pyStrLiteral(Buffer.from(v).toString('latin1'))}`;
  return `{${Object.entries(v as object).map(([k, x]) => `${pyStrLiteral(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

/** Python's str() of a JSON value (what an f-string prints). */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

type ErrorEntry = string;

class Report {
  readonly errors: ErrorEntry[] = [];
  add(line: string): void {
    this.errors.push(line);
  }
}

const displayName = (name: string): string => (name === '' ? 'input' : name.startsWith('.') ? name.slice(1) : name);

function invalidType(report: Report, name: string, value: unknown, validTypes: string[]): void {
  report.add(
    `Invalid type for parameter ${displayName(name)}, value: ${pyStr(value)}, type: ${pyType(value)}, valid types: ${validTypes.join(', ')}`,
  );
}

function rangeCheck(report: Report, name: string, value: number, shape: Shape, kind: 'length' | 'value'): void {
  if (typeof shape.min === 'number' && value < shape.min) {
    if (kind === 'length') report.add(`Invalid length for parameter ${displayName(name)}, value: ${value}, valid min length: ${shape.min}`);
    else report.add(`Invalid value for parameter ${displayName(name)}, value: ${value}, valid min value: ${shape.min}`);
  }
}

const isInt = (v: unknown): boolean => typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
const SCALAR_CHECK: Record<string, [(v: unknown) => boolean, string[]]> = {
  string: [(v) => typeof v === 'string', [T.str]],
  integer: [isInt, [T.int]],
  long: [isInt, [T.int]],
  boolean: [(v) => typeof v === 'boolean', [T.bool]],
  float: [(v) => typeof v === 'number' || typeof v === 'boolean', [T.float, T.decimal, T.int]],
  double: [(v) => typeof v === 'number' || typeof v === 'boolean', [T.float, T.decimal, T.int]],
};

function validateDocument(report: Report, value: unknown, name: string): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) value.forEach((v, i) => validateDocument(report, v, `${name}[${i}]`));
  else if (isPlainObject(value)) for (const k of Object.keys(value)) validateDocument(report, value[k], k);
}

function validate(report: Report, value: unknown, shapeName: string, name: string): void {
  const shape = shapeOf(shapeName);
  if (shape.type === 'structure' && shape.document) {
    validateDocument(report, value, name);
    return;
  }
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return invalidType(report, name, value, [T.dict]);
      for (const required of shape.required ?? []) {
        if (!(required in value)) report.add(`Missing required parameter in ${displayName(name)}: "${required}"`);
      }
      const members = shape.members ?? {};
      const known: string[] = [];
      for (const key of Object.keys(value)) {
        if (!Object.prototype.hasOwnProperty.call(members, key)) {
          report.add(`Unknown parameter in ${displayName(name)}: "${key}", must be one of: ${Object.keys(members).join(', ')}`);
        } else known.push(key);
      }
      for (const key of known) validate(report, value[key], members[key]!.shape, `${name}.${key}`);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return invalidType(report, name, value, [T.list, T.tuple]);
      rangeCheck(report, name, value.length, shape, 'length');
      const memberName = shape.member!.shape;
      const member = shapeOf(memberName);
      const check = SCALAR_CHECK[member.type];
      const constrained = member.required !== undefined || member.min !== undefined || member.document;
      if (check && !constrained) {
        value.forEach((item, i) => {
          if (!check[0](item)) invalidType(report, `${name}[${i}]`, item, check[1]);
        });
        return;
      }
      value.forEach((item, i) => validate(report, item, memberName, `${name}[${i}]`));
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) return invalidType(report, name, value, [T.dict]);
      for (const [k, v] of Object.entries(value)) {
        validate(report, k, shape.key!.shape, `${name} (key: ${k})`);
        validate(report, v, shape.value!.shape, `${name}.${k}`);
      }
      return;
    }
    case 'blob':
      if (typeof value === 'string' || value instanceof Uint8Array) return;
      return invalidType(report, name, value, [T.bytes, T.bytearray, 'file-like object']);
    case 'timestamp':
      if (value instanceof Date || (typeof value === 'string' && !Number.isNaN(Date.parse(value))) || typeof value === 'number') return;
      return invalidType(report, name, value, ["<class 'datetime.datetime'>", 'timestamp-string']);
    default: {
      const check = SCALAR_CHECK[shape.type];
      if (!check) return;
      if (!check[0](value)) return invalidType(report, name, value, check[1]);
      if (shape.type === 'string') rangeCheck(report, name, [...(value as string)].length, shape, 'length');
      else rangeCheck(report, name, Number(value), shape, 'value');
    }
  }
}

/** The validation errors of `params` against an input shape, in botocore's order. */
export function validateParams(params: unknown, inputShape: string): string[] {
  const report = new Report();
  validate(report, params, inputShape, '');
  return report.errors;
}

export class ParamValidationError extends Error {
  constructor(readonly errors: string[]) {
    super(`Parameter validation failed:\n${errors.join('\n')}`);
  }
}
