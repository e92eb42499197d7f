/**
 * `--generate-cli-skeleton`: sample input and output documents built from the model the way the
 * AWS CLI builds them (botocore's ArgumentGenerator), printed with 4-space indentation.
 *
 * Input placeholders: "" for strings, 0 for integers and longs, true for booleans, null for blobs,
 * 1970-01-01T00:00:00 for timestamps, one element per list, one `KeyName` entry per map, and `{}`
 * where a structure recurses into itself. For an enum the AWS CLI picks a random member on every
 * run; Cognate always prints the first one, so the output is stable.
 *
 * Output placeholders (`--generate-cli-skeleton output`) use member names as string values, like
 * the AWS CLI, and "" for blobs (base64 text in a response). A name shorter than the shape's
 * minimum length is repeated up to that length, and numbers are raised to their minimum: AWS CLI v1 fails on AssociateSoftwareToken
 * because "SecretCode" is shorter than the 16 characters the model requires; Cognate prints
 * "SecretCodeSecret". Every sample response passes the model's validation.
 */
import { inputShapeName, outputShapeName, shapeOf, type Shape } from './model.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const EPOCH = '1970-01-01T00:00:00';

function generate(shapeName: string, stack: string[], useMemberNames: boolean, name: string): Json {
  const shape = shapeOf(shapeName);
  stack.push(shapeName);
  try {
    switch (shape.type) {
      case 'structure': {
        // A structure met a second time on the current path becomes {} (breaks recursion).
        if (stack.filter((s) => s === shapeName).length > 1) return {};
        const out: { [key: string]: Json } = {};
        for (const [member, ref] of Object.entries(shape.members ?? {})) {
          out[member] = generate(ref.shape, stack, useMemberNames, member);
        }
        return out;
      }
      case 'list':
        return [generate(shape.member!.shape, stack, useMemberNames, useMemberNames ? shape.member!.shape : '')];
      case 'map':
        return { KeyName: generate(shape.value!.shape, stack, useMemberNames, '') };
      case 'string':
        if (useMemberNames) return fitLength(name, shape);
        return shape.enum && shape.enum.length > 0 ? shape.enum[0]! : '';
      case 'integer':
      case 'long':
        // A sample response respects the model's minimum (e.g. MinimumLength >= 6).
        return useMemberNames && typeof shape.min === 'number' && shape.min > 0 ? shape.min : 0;
      case 'float':
      case 'double':
        return 0;
      case 'boolean':
        return true;
      case 'timestamp':
        return EPOCH;
      case 'blob':
        // The AWS CLI's null fails its own validation of a sample response; "" is valid (base64 of nothing).
        return useMemberNames ? '' : null;
      default:
        return null;
    }
  } finally {
    stack.pop();
  }
}

function fitLength(name: string, shape: Shape): string {
  let value = name;
  if (typeof shape.min === 'number' && value.length < shape.min) {
    const base = value.length > 0 ? value : 'x';
    while (value.length < shape.min) value += base;
    value = value.slice(0, Math.max(shape.min, name.length));
  }
  if (typeof shape.max === 'number' && value.length > shape.max) value = value.slice(0, shape.max);
  return value;
}

/** The request skeleton of an operation (what `--generate-cli-skeleton input` prints). */
export function inputSkeleton(operation: string): Json {
  const name = inputShapeName(operation);
  return name ? generate(name, [], false, '') : {};
}

/** A sample response of an operation (what `--generate-cli-skeleton output` prints). */
export function outputSkeleton(operation: string): Json {
  const name = outputShapeName(operation);
  return name ? generate(name, [], true, '') : {};
}

/** Python's json.dumps(value, indent=4) for the values a skeleton holds, plus the trailing newline. */
export function formatSkeleton(value: Json): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}
