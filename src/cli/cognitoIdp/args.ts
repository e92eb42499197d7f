/**
 * Command-line parsing for `cognate cognito-idp`: global options, the operation, its options
 * (generated from the model) and their values, with the AWS CLI's rules:
 *
 * - scalar options take one value; list options take one or more (`--x a b c`); booleans are
 *   `--x` / `--no-x`; `--name=value` works too;
 * - structures, maps and lists of structures take JSON or the shorthand syntax;
 * - any value may be `file://path` (text) or `fileb://path` (bytes);
 * - `--cli-input-json` fills in what the command line does not set.
 */
import { ParamFileError, readParamFile } from './paramFile.js';
import { type CliOption, shapeOf, type Shape } from './model.js';
import { applyModel, isPlainObject, parsePythonInt, parseShorthand, ShorthandError, supportsShorthand } from './shorthand.js';

/** A usage error: printed with the usage text, exit status 252. */
export class UsageError extends Error {}

/** A value that cannot be read (`Error parsing parameter '--x': ...`), exit status 252. */
export class ParamError extends Error {
  constructor(flag: string, message: string) {
    super(`Error parsing parameter '${flag}': ${message}`);
  }
}

export interface GlobalOptions {
  endpointUrl?: string;
  region?: string;
  profile?: string;
  output?: string;
  query?: string;
  debug: boolean;
  /** --no-paginate: one call, one page, even for operations the CLI pages through. */
  noPaginate: boolean;
  connectTimeout?: string;
  readTimeout?: string;
}

interface GlobalSpec {
  key: keyof GlobalOptions | null;
  takesValue: boolean;
}

/** Options valid anywhere on the command line. Those mapped to null are accepted for AWS CLI compatibility and ignored. */
export const GLOBAL_OPTIONS: Record<string, GlobalSpec> = {
  '--endpoint-url': { key: 'endpointUrl', takesValue: true },
  '--region': { key: 'region', takesValue: true },
  '--profile': { key: 'profile', takesValue: true },
  '--output': { key: 'output', takesValue: true },
  '--query': { key: 'query', takesValue: true },
  '--debug': { key: 'debug', takesValue: false },
  '--cli-connect-timeout': { key: 'connectTimeout', takesValue: true },
  '--cli-read-timeout': { key: 'readTimeout', takesValue: true },
  '--color': { key: null, takesValue: true },
  '--no-paginate': { key: 'noPaginate', takesValue: false },
  '--no-cli-pager': { key: null, takesValue: false },
};

const looksLikeOption = (token: string): boolean => /^--?[A-Za-z]/.test(token) && !/^-\d/.test(token);

export interface SplitCommandLine {
  globals: GlobalOptions;
  operation?: string;
  rest: string[];
}

/** Separates global options (anywhere) from the operation name and its own arguments. */
export function splitCommandLine(args: string[]): SplitCommandLine {
  const globals: GlobalOptions = { debug: false, noPaginate: false };
  const rest: string[] = [];
  let operation: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const spec = GLOBAL_OPTIONS[name];
    if (spec) {
      let value: string | undefined;
      if (spec.takesValue) {
        if (eq > 0) value = token.slice(eq + 1);
        else {
          const next = args[i + 1];
          if (next === undefined || looksLikeOption(next)) throw new UsageError(`argument ${name}: expected one argument`);
          value = next;
          i++;
        }
      }
      if (spec.key === 'debug') globals.debug = true;
      else if (spec.key === 'noPaginate') globals.noPaginate = true;
      else if (spec.key) (globals as unknown as Record<string, string>)[spec.key] = value!;
      continue;
    }
    if (operation === undefined && !token.startsWith('-')) {
      operation = token;
      continue;
    }
    rest.push(token);
  }
  if (globals.output !== undefined && !['json', 'text', 'table'].includes(globals.output)) {
    throw new UsageError(`argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \ntable                                   `);
  }
  return { globals, operation, rest };
}

/** Extra options a command adds beside the model's (`--show-qr` on associate-software-token). */
export interface ExtraOption {
  flag: string;
  takesValue: boolean;
  description: string;
  placeholder?: string;
}

export interface OperationArgs {
  /** Raw values per option flag (the boolean ones hold 'true'/'false'). */
  values: Map<CliOption, string | string[]>;
  cliInputJson?: string;
  skeleton?: 'input' | 'output';
  help: boolean;
  extras: Map<string, string | true>;
}

/** Parses an operation's own arguments; throws UsageError for unknown options and missing values. */
export function parseOperationArgs(tokens: string[], options: CliOption[], extras: ExtraOption[] = []): OperationArgs {
  const byFlag = new Map(options.map((o) => [o.flag, o]));
  const extraByFlag = new Map(extras.map((e) => [e.flag, e]));
  const result: OperationArgs = { values: new Map(), help: false, extras: new Map() };
  const unknown: string[] = [];
  const setValue = (opt: CliOption, value: string | string[]) => {
    // --x and --no-x write the same member: the last one given wins.
    for (const other of result.values.keys()) if (other.member === opt.member) result.values.delete(other);
    result.values.set(opt, value);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const flag = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    const takeOne = (): string => {
      if (inline !== undefined) return inline;
      const next = tokens[i + 1];
      if (next === undefined || looksLikeOption(next)) throw new UsageError(`argument ${flag}: expected one argument`);
      i++;
      return next;
    };
    if (flag === '--cli-input-json') {
      result.cliInputJson = takeOne();
      continue;
    }
    if (flag === '--generate-cli-skeleton') {
      let value: string = 'input';
      if (inline !== undefined) value = inline;
      else if (tokens[i + 1] !== undefined && !looksLikeOption(tokens[i + 1]!)) value = tokens[++i]!;
      if (value !== 'input' && value !== 'output') {
        throw new UsageError(`argument --generate-cli-skeleton: Invalid choice, valid choices are:\n\ninput                                    | output                                  `);
      }
      result.skeleton = value;
      continue;
    }
    const extra = extraByFlag.get(flag);
    if (extra) {
      result.extras.set(flag, extra.takesValue ? takeOne() : true);
      continue;
    }
    const opt = byFlag.get(flag);
    if (opt) {
      if (opt.booleanValue !== undefined) {
        if (inline !== undefined) throw new UsageError(`argument ${flag}: ignored explicit argument '${inline}'`);
        setValue(opt, String(opt.booleanValue));
      } else if (opt.variadic) {
        const values: string[] = inline !== undefined ? [inline] : [];
        while (inline === undefined && tokens[i + 1] !== undefined && !looksLikeOption(tokens[i + 1]!)) values.push(tokens[++i]!);
        if (values.length === 0) throw new UsageError(`argument ${flag}: expected at least one argument`);
        setValue(opt, values);
      } else {
        setValue(opt, takeOne());
      }
      continue;
    }
    if (token === 'help' && !result.help && unknown.length === 0) {
      result.help = true;
      continue;
    }
    unknown.push(token);
    // argparse leaves an unknown option's values in the remainder too.
    if (looksLikeOption(token)) while (tokens[i + 1] !== undefined && !looksLikeOption(tokens[i + 1]!)) unknown.push(tokens[++i]!);
  }
  if (unknown.length) throw new UsageError(`Unknown options: ${unknown.join(', ')}`, { cause: 'unknown' });
  return result;
}

// ---- values -----------------------------------------------------------------------------------

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ParamError(flag, `Invalid JSON: ${(err as Error).message}\nJSON received: ${text}`);
  }
}

function startsWithAny(value: unknown, chars: string): boolean {
  if (typeof value !== 'string') return false;
  const t = value.trimStart();
  return t.length > 0 && chars.includes(t[0]!);
}

function unpackScalar(flag: string, shape: Shape, value: string | Buffer): unknown {
  if (Buffer.isBuffer(value)) return shape.type === 'blob' ? value : value.toString('utf8');
  switch (shape.type) {
    case 'integer':
    case 'long': {
      const n = parsePythonInt(value);
      if (n === undefined) throw new ParamError(flag, `invalid literal for int() with base 10: '${value}'`);
      return n;
    }
    case 'float':
    case 'double': {
      const n = Number(value.trim());
      if (value.trim() === '' || Number.isNaN(n)) throw new ParamError(flag, `could not convert string to float: '${value}'`);
      return n;
    }
    case 'boolean':
      return value.toLowerCase() !== 'false' && value !== '';
    default:
      return value;
  }
}

function unpackComplex(flag: string, shape: Shape, value: string | Buffer): unknown {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (shape.document) return parseJson(flag, text);
  if (startsWithAny(text, '{')) return parseJson(flag, text);
  if (shape.type === 'structure') {
    const members = Object.keys(shape.members ?? {});
    // A structure whose only member is a string `Value` takes the bare value.
    if (members.length === 1 && members[0] === 'Value' && shapeOf(shape.members!.Value!.shape).type === 'string' && !text.includes('=')) {
      return { Value: text };
    }
  }
  if (!supportsShorthand(shape)) throw new ParamError(flag, `Invalid JSON:\n${text}`);
  try {
    return applyModel(parseShorthand(text), shape);
  } catch (err) {
    if (err instanceof ShorthandError || err instanceof ParamFileError) throw new ParamError(flag, err.message);
    throw err;
  }
}

function unpackList(flag: string, shape: Shape, raw: (string | Buffer)[]): unknown {
  const member = shapeOf(shape.member!.shape);
  const first = raw[0];
  if (raw.length === 1 && typeof first === 'string' && startsWithAny(first, '[')) return parseJson(flag, first);
  if (raw.length === 1 && Buffer.isBuffer(first) && startsWithAny(first.toString('utf8'), '[')) return parseJson(flag, first.toString('utf8'));
  if (supportsShorthand(shape) && !startsWithAny(typeof first === 'string' ? first : '', '[{')) {
    try {
      const parsed = raw.map((v) => parseShorthand(Buffer.isBuffer(v) ? v.toString('utf8') : v));
      return applyModel(parsed, shape);
    } catch (err) {
      if (err instanceof ShorthandError || err instanceof ParamFileError) throw new ParamError(flag, err.message);
      throw err;
    }
  }
  return raw.map((v) => unpackValue(flag, member, v));
}

function unpackValue(flag: string, shape: Shape, value: string | Buffer): unknown {
  if (shape.type === 'structure' || shape.type === 'map' || shape.type === 'list') {
    if (shape.type === 'list') return unpackList(flag, shape, [value]);
    return unpackComplex(flag, shape, value);
  }
  return unpackScalar(flag, shape, value);
}

function loadFile(flag: string, value: string): string | Buffer {
  try {
    return readParamFile(value) ?? value;
  } catch (err) {
    if (err instanceof ParamFileError) throw new ParamError(flag, err.message);
    throw err;
  }
}

/** Converts one option's command-line text into the request value the model wants. */
export function unpackOption(opt: CliOption, raw: string | string[]): unknown {
  if (opt.booleanValue !== undefined) return raw === 'true';
  if (Array.isArray(raw)) {
    if (raw.length === 1) {
      const loaded = loadFile(opt.flag, raw[0]!);
      if (loaded !== raw[0]) {
        // A list read from a file: JSON, shorthand, or one scalar.
        return unpackList(opt.flag, opt.shape, [loaded]);
      }
    }
    return unpackList(opt.flag, opt.shape, raw);
  }
  return unpackValue(opt.flag, opt.shape, loadFile(opt.flag, raw));
}

/** The request built from the command line, then completed from --cli-input-json. */
export function buildParams(parsed: OperationArgs): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [opt, raw] of parsed.values) params[opt.member] = unpackOption(opt, raw);
  if (parsed.cliInputJson !== undefined) {
    let text: string | Buffer = parsed.cliInputJson;
    try {
      text = readParamFile(parsed.cliInputJson) ?? parsed.cliInputJson;
    } catch (err) {
      if (err instanceof ParamFileError) throw new ParamError('cli-input-json', err.message);
      throw err;
    }
    const source = Buffer.isBuffer(text) ? text.toString('utf8') : text;
    const input = parseJson('cli-input-json', source);
    if (!isPlainObject(input)) throw new ParamError('cli-input-json', `Invalid JSON: the document must be an object\nJSON received: ${source}`);
    for (const [key, value] of Object.entries(input)) if (!(key in params)) params[key] = value;
  }
  return params;
}
