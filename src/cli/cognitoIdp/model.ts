/**
 * The CLI's view of the service model: operation names in kebab case and, for each operation,
 * the options generated from its input shape, named as the AWS CLI names them.
 */
import { getShape, operationNames, serviceModel, type Shape, type ShapeRef } from '../../model/serviceModel.js';

export { serviceModel, type Shape, type ShapeRef };

/**
 * The operations `cognate cognito-idp` offers: every operation of the model. The CLI is a client:
 * it can call anything the API defines, and a server that does not implement an operation answers
 * with an AWS error like any other.
 */
export const CLI_OPERATIONS: readonly string[] = Object.freeze(operationNames());

/** `shape` by name; throws on a model inconsistency (a reference to a missing shape). */
export function shapeOf(name: string): Shape {
  const shape = getShape(name);
  if (!shape) throw new Error(`service model: no shape named ${name}`);
  return shape;
}

// Botocore's xform_name, the rule the AWS CLI uses to turn model names into option and command names.
const FIRST_CAP = /(.)([A-Z][a-z]+)/g;
const END_CAP = /([a-z0-9])([A-Z])/g;
const PLURAL_ACRONYM = /[A-Z]{2,}s$/;

/** `AccessToken` → `access-token`, `MFAOptions` → `mfa-options`, `SMSMfaSettings` → `sms-mfa-settings`. */
export function kebabCase(name: string, sep = '-'): string {
  if (name.includes(sep)) return name;
  let s = name;
  const plural = PLURAL_ACRONYM.exec(s);
  if (plural) s = `${s.slice(0, s.length - plural[0].length)}${sep}${plural[0].toLowerCase()}`;
  s = s.replace(FIRST_CAP, `$1${sep}$2`);
  return s.replace(END_CAP, `$1${sep}$2`).toLowerCase();
}

const byCommand = new Map<string, string>(CLI_OPERATIONS.map((op) => [kebabCase(op), op]));

/** `admin-create-user` → `AdminCreateUser`, or undefined. */
export function operationForCommand(command: string): string | undefined {
  return byCommand.get(command);
}

/** All command names (kebab case), in model order. */
export function commandNames(): string[] {
  return [...byCommand.keys()];
}

export interface CliOption {
  /** `--access-token` */
  flag: string;
  /** The input member it fills: `AccessToken`. */
  member: string;
  ref: ShapeRef;
  shape: Shape;
  required: boolean;
  /** Booleans come in pairs: `--x` sets true, `--no-x` sets false. */
  booleanValue?: boolean;
  /** List options take one or more values (`--x a b c`). */
  variadic: boolean;
}

export function inputShapeName(operation: string): string | undefined {
  return serviceModel.operations[operation]?.input?.shape;
}

export function outputShapeName(operation: string): string | undefined {
  return serviceModel.operations[operation]?.output?.shape;
}

/** The options of an operation, in input member order (the AWS CLI's order). */
export function optionsFor(operation: string): CliOption[] {
  const inputName = inputShapeName(operation);
  if (!inputName) return [];
  const input = shapeOf(inputName);
  const required = new Set(input.required ?? []);
  const options: CliOption[] = [];
  for (const [member, ref] of Object.entries(input.members ?? {})) {
    const shape = shapeOf(ref.shape);
    const flag = `--${kebabCase(member)}`;
    const base = { member, ref, shape, required: required.has(member), variadic: shape.type === 'list' };
    if (shape.type === 'boolean') {
      options.push({ ...base, flag, booleanValue: true });
      options.push({ ...base, flag: `--no-${kebabCase(member)}`, booleanValue: false });
    } else {
      options.push({ ...base, flag });
    }
  }
  return options;
}

export function isUnsigned(operation: string): boolean {
  const op = serviceModel.operations[operation];
  return op?.authtype === 'none' || (op?.auth?.includes('smithy.api#noAuth') ?? false);
}
