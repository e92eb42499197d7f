/**
 * Help text: `cognate cognito-idp help` lists the operations; `cognate cognito-idp <op> help`
 * lists the operation's options with their types, the shorthand syntax and the JSON syntax.
 * (The vendored model carries no documentation, so there is no prose beyond that.)
 */
import type { ExtraOption } from './args.js';
import { commandNames, kebabCase, optionsFor, shapeOf, type CliOption, type Shape } from './model.js';
import { supportsShorthand } from './shorthand.js';

export const USAGE = `usage: cognate cognito-idp <operation> [parameters] [options]
To see help text, you can run:

  cognate cognito-idp help
  cognate cognito-idp <operation> help
`;

export const GLOBAL_HELP = `GLOBAL OPTIONS
       --endpoint-url (string)   The server to call. Default: $COGNATE_ENDPOINT, else http://127.0.0.1:9229.
       --region (string)         Default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region, else us-east-1.
       --profile (string)        A profile of ~/.aws/config and ~/.aws/credentials (signed operations).
       --output (string)         json (default), text or table.
       --query (string)          A JMESPath expression applied to the response before output.
       --debug                   Log the request and the response to standard error.
       --cli-connect-timeout, --cli-read-timeout (integer)   In seconds; 0 means no timeout.
       --cli-input-json (string) The request as JSON (or file://path); command-line options override it.
       --generate-cli-skeleton [input|output]   Print a request skeleton, or a sample response.
`;

/** Operation names laid out in two columns, as the AWS CLI lists valid choices. */
export function choicesTable(names: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 2) {
    const left = names[i]!.padEnd(40);
    const right = names[i + 1];
    lines.push(right === undefined ? left : `${left} | ${right.padEnd(40)}`);
  }
  return lines.join('\n');
}

export function serviceHelp(): string {
  return `COGNITO-IDP

SYNOPSIS
       cognate cognito-idp <operation> [parameters] [options]

AVAILABLE OPERATIONS
${commandNames()
  .map((c) => `       o ${c}`)
  .join('\n')}

${GLOBAL_HELP}`;
}

// The AWS CLI's shorthand documentation rules (awscli ParamShorthandDocGen).
class TooComplex extends Error {}

function shorthandDoc(shape: Shape, stack: string[]): string {
  if (stack.length > 3) throw new TooComplex();
  if (shape.type === 'structure') {
    const parts: string[] = [];
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const member = shapeOf(ref.shape);
      if (member.document) continue;
      if (stack.includes(ref.shape)) {
        parts.push(`${name}=( ... recursive ... )`);
        continue;
      }
      stack.push(ref.shape);
      try {
        parts.push(`${name}=${shorthandDoc(member, stack)}`);
      } finally {
        stack.pop();
      }
    }
    const inner = parts.join(',');
    return stack.length ? `{${inner}}` : inner;
  }
  if (shape.type === 'list') {
    stack.push(shape.member!.shape);
    let element: string;
    try {
      element = shorthandDoc(shapeOf(shape.member!.shape), stack);
    } finally {
      stack.pop();
    }
    const complex = ['structure', 'list', 'map'].includes(shapeOf(shape.member!.shape).type);
    return complex || stack.length > 1 ? `[${element},${element}]` : `${element},${element}`;
  }
  if (shape.type === 'map') {
    stack.push(shape.value!.shape);
    let value: string;
    try {
      value = shorthandDoc(shapeOf(shape.value!.shape), stack);
    } finally {
      stack.pop();
    }
    let start = `KeyName1=${value},KeyName2=${value}`;
    const key = shapeOf(shape.key!.shape);
    if (key.enum && stack.length === 0) start += `\n\nWhere valid key names are:\n${key.enum.map((e) => `  ${e}\n`).join('')}`;
    else if (stack.length) start = `{${start}}`;
    return start;
  }
  return shape.type;
}

function shorthandExample(opt: CliOption): string | undefined {
  if (!supportsShorthand(opt.shape)) return undefined;
  try {
    if (opt.shape.type === 'list') return `${shorthandDoc(shapeOf(opt.shape.member!.shape), [])} ...`;
    return shorthandDoc(opt.shape, []);
  } catch (err) {
    if (err instanceof TooComplex) return undefined;
    throw err;
  }
}

function jsonSyntax(shape: Shape, indent: string, stack: string[]): string {
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return '{...}';
      const members = Object.entries(shape.members ?? {});
      if (members.length === 0) return '{}';
      const inner = members.map(([name, ref]) => {
        const member = shapeOf(ref.shape);
        const value = stack.includes(ref.shape) ? '{ ... recursive ... }' : jsonSyntax(member, `${indent}  `, [...stack, ref.shape]);
        return `${indent}  "${name}": ${value}`;
      });
      return `{\n${inner.join(',\n')}\n${indent}}`;
    }
    case 'list':
      return `[ ${jsonSyntax(shapeOf(shape.member!.shape), indent, [...stack, shape.member!.shape])} ... ]`;
    case 'map':
      return `{"string": ${jsonSyntax(shapeOf(shape.value!.shape), indent, [...stack, shape.value!.shape])} ... }`;
    case 'string':
      return shape.enum ? `"${shape.enum.join('"|"')}"` : '"string"';
    default:
      return shape.type;
  }
}

export function operationHelp(command: string, operation: string, extras: ExtraOption[]): string {
  const options = optionsFor(operation);
  const synopsis: string[] = [];
  const seen = new Set<string>();
  for (const opt of options) {
    if (seen.has(opt.member)) continue;
    seen.add(opt.member);
    let text = opt.booleanValue !== undefined ? `${opt.flag} | --no-${kebabCase(opt.member)}` : `${opt.flag} <value>`;
    if (!opt.required || opt.booleanValue !== undefined) text = `[${text}]`;
    synopsis.push(`          ${text}`);
  }
  for (const e of extras) synopsis.push(`          [${e.flag}${e.takesValue ? ` <${e.placeholder ?? 'value'}>` : ''}]`);
  synopsis.push('          [--cli-input-json <value>]', '          [--generate-cli-skeleton <value>]');

  const details: string[] = [];
  seen.clear();
  for (const opt of options) {
    if (seen.has(opt.member)) continue;
    seen.add(opt.member);
    const heading = opt.booleanValue !== undefined ? `${opt.flag} | --no-${kebabCase(opt.member)}` : opt.flag;
    const lines = [`       ${heading} (${opt.shape.type})${opt.required ? ' [required]' : ''}`, `          Request member: ${opt.member}`];
    if (opt.shape.enum) lines.push(`          Possible values: ${opt.shape.enum.join(', ')}`);
    if (opt.shape.type === 'list') {
      const member = shapeOf(opt.shape.member!.shape);
      if (member.enum) lines.push(`          Possible values: ${member.enum.join(', ')}`);
      if (!['structure', 'list', 'map'].includes(member.type)) lines.push(`          Syntax: ${member.type} ${member.type} ...`);
    }
    const shorthand = shorthandExample(opt);
    if (shorthand !== undefined) lines.push('', '          Shorthand Syntax:', '', ...shorthand.split('\n').map((l) => `            ${l}`.trimEnd()));
    if (['structure', 'list', 'map'].includes(opt.shape.type)) {
      lines.push('', '          JSON Syntax:', '', ...jsonSyntax(opt.shape, '', [opt.ref.shape]).split('\n').map((l) => `            ${l}`));
    }
    details.push(lines.join('\n'));
  }
  for (const e of extras) details.push(`       ${e.flag}${e.takesValue ? ` (string)` : ''}\n          ${e.description}`);

  return `NAME
       ${command}

SYNOPSIS
          ${command}
${synopsis.join('\n')}

OPTIONS
${details.length ? details.join('\n\n') : '       None'}

${GLOBAL_HELP}`;
}
