/**
 * `cognate cognito-idp <operation> [options]`: the `aws cognito-idp` commands, generated from
 * the vendored service model and sent through the official SDK.
 *
 * Exit statuses (those of AWS CLI v2): 0 success, 252 usage errors, unreadable values and
 * parameter validation failures, 253 no credentials, 254 an error answered by the service,
 * 255 anything else (e.g. the endpoint cannot be reached).
 *
 * See docs/cli.md.
 */
import {
  buildParams,
  type ExtraOption,
  GLOBAL_OPTIONS,
  type GlobalOptions,
  ParamError,
  parseOperationArgs,
  splitCommandLine,
  UsageError,
} from './cognitoIdp/args.js';
import { callOperation, classifyError, CliFailure, profileName, profileSetting, resolveEndpoint } from './cognitoIdp/client.js';
import { choicesTable, operationHelp, serviceHelp, USAGE } from './cognitoIdp/help.js';
import { CLI_OPERATIONS, commandNames, inputShapeName, operationForCommand, optionsFor, outputShapeName, shapeOf } from './cognitoIdp/model.js';
import { formatOutput, type OutputFormat, plain, Timestamp } from './cognitoIdp/output.js';
import { fullResult, PAGINATORS, PAGING_OPTIONS, paginate, textPages, type Paged } from './cognitoIdp/paginate.js';
import { formatSkeleton, inputSkeleton, outputSkeleton } from './cognitoIdp/skeleton.js';
import { validateParams } from './cognitoIdp/validate.js';
import type { QrStyle } from './totp.js';

export { CLI_OPERATIONS };

const EXIT_USAGE = 252;
const EXIT_SERVICE = 254;
const EXIT_OTHER = 255;

/** Extra options of associate-software-token: show the new secret as a QR code (on stderr). */
const QR_OPTIONS: ExtraOption[] = [
  {
    flag: '--show-qr',
    takesValue: false,
    description:
      'After the response, draw the otpauth:// URI of the returned SecretCode as a QR code on standard error, to scan with an authenticator app.',
  },
  {
    flag: '--qr-account',
    takesValue: true,
    placeholder: 'name',
    description: "Account name in the QR code. Default: the access token's username claim, else \"user\".",
  },
  {
    flag: '--qr-issuer',
    takesValue: true,
    placeholder: 'issuer',
    description: "Issuer in the QR code. Default: the user pool id from the access token's iss claim, else none.",
  },
  { flag: '--qr-style', takesValue: true, placeholder: 'terminal|utf8', description: 'terminal (ANSI colours, default) or utf8 (plain blocks).' },
];

function extrasFor(operation: string): ExtraOption[] {
  if (operation === 'AssociateSoftwareToken') return QR_OPTIONS;
  return PAGINATORS[operation] ? PAGING_OPTIONS : [];
}

function usageError(message: string, prefixed = true): number {
  process.stderr.write(`${USAGE}\n${prefixed ? `cognate: error: ${message}` : message}\n`);
  return EXIT_USAGE;
}

function errorLine(message: string, code: number): number {
  process.stderr.write(`\n${message}\n`);
  return code;
}

/** Request values the SDK wants typed: blobs as bytes. */
function toSdkInput(value: unknown, shapeName: string): unknown {
  const shape = shapeOf(shapeName);
  if (value === null || value === undefined) return value;
  switch (shape.type) {
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    case 'structure': {
      if (shape.document || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const ref = shape.members?.[k];
        out[k] = ref ? toSdkInput(v, ref.shape) : v;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => toSdkInput(v, shape.member!.shape)) : value;
    case 'map': {
      if (typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toSdkInput(v, shape.value!.shape);
      return out;
    }
    default:
      return value;
  }
}

type TimestampFormat = 'none' | 'iso8601';

/**
 * The SDK's response as the AWS CLI v1 shows it: members in model order, blobs as base64,
 * timestamps as the service sent them (epoch seconds) or, with `cli_timestamp_format = iso8601`
 * in the profile, as ISO 8601 in the local time zone.
 */
function fromSdkOutput(value: unknown, shapeName: string, timestamps: TimestampFormat): unknown {
  const shape = shapeOf(shapeName);
  if (value === null || value === undefined) return value;
  switch (shape.type) {
    case 'timestamp':
      if (timestamps === 'none') return value instanceof Date ? value.getTime() / 1000 : value;
      if (value instanceof Date) return new Timestamp(value).toJSON();
      if (typeof value === 'number') return new Timestamp(new Date(value * 1000)).toJSON();
      return value;
    case 'blob':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
    case 'structure': {
      if (shape.document || typeof value !== 'object') return value;
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (src[name] !== undefined) out[name] = fromSdkOutput(src[name], ref.shape, timestamps);
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => fromSdkOutput(v, shape.member!.shape, timestamps)) : value;
    case 'map': {
      if (typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = fromSdkOutput(v, shape.value!.shape, timestamps);
      return out;
    }
    default:
      return value;
  }
}

function jwtClaims(token: unknown): Record<string, unknown> {
  if (typeof token !== 'string') return {};
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function showQr(secret: string, params: Record<string, unknown>, extras: Map<string, string | true>): Promise<void> {
  const claims = jwtClaims(params.AccessToken);
  const account = (extras.get('--qr-account') as string | undefined) ?? (typeof claims.username === 'string' ? claims.username : 'user');
  let issuer = extras.get('--qr-issuer') as string | undefined;
  if (issuer === undefined && typeof claims.iss === 'string') issuer = claims.iss.split('/').pop() || undefined;
  const { qrText, totpUri } = await import('./totp.js');
  const uri = totpUri(secret, account, issuer);
  const style = ((extras.get('--qr-style') as string | undefined) ?? 'terminal') as QrStyle;
  process.stderr.write(`\nScan this QR code with an authenticator app (${uri}):\n\n`);
  process.stderr.write(await qrText(uri, style));
  process.stderr.write('\n');
}

function outputFormat(globals: GlobalOptions): OutputFormat {
  const format = globals.output ?? process.env.AWS_DEFAULT_OUTPUT ?? profileSetting(profileName(globals.profile), 'output') ?? 'json';
  if (format !== 'json' && format !== 'text' && format !== 'table') {
    throw new UsageError(`argument --output: Invalid choice, valid choices are:\n\njson | text | table`);
  }
  return format;
}

function timeoutMs(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`argument ${flag}: invalid int value: '${value}'`);
  return n === 0 ? 0 : n * 1000;
}

export async function runCognitoIdp(args: string[]): Promise<number> {
  let split;
  try {
    split = splitCommandLine(args);
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    throw err;
  }
  const { globals, operation: command, rest } = split;
  if (command === undefined) {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(serviceHelp());
      return 0;
    }
    return usageError('the following arguments are required: operation');
  }
  if (command === 'help') {
    process.stdout.write(serviceHelp());
    return 0;
  }
  const operation = operationForCommand(command);
  if (!operation) {
    return usageError(`argument operation: Invalid choice, valid choices are:\n\n${choicesTable([...commandNames(), 'help'])}`);
  }

  const options = optionsFor(operation);
  const extras = extrasFor(operation);
  let parsed;
  try {
    parsed = parseOperationArgs(rest, options, extras);
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message, err.cause !== 'unknown');
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(operationHelp(command, operation, extras));
    return 0;
  }
  const qrStyle = parsed.extras.get('--qr-style');
  if (qrStyle !== undefined && qrStyle !== 'terminal' && qrStyle !== 'utf8') {
    return usageError(`argument --qr-style: Invalid choice, valid choices are:\n\nterminal | utf8`);
  }
  if (parsed.skeleton === 'input') {
    process.stdout.write(formatSkeleton(inputSkeleton(operation) as never));
    return 0;
  }
  if (parsed.cliInputJson === undefined) {
    const given = new Set([...parsed.values.keys()].map((o) => o.member));
    const missing = options.filter((o) => o.required && o.booleanValue !== false && !given.has(o.member)).map((o) => o.flag);
    if (missing.length) return usageError(`the following arguments are required: ${missing.join(', ')}`);
  }

  // The AWS CLI pages by itself unless told not to, or given the operation's own token or limit option.
  const paginator = PAGINATORS[operation];
  const pagingGiven = PAGING_OPTIONS.map((o) => o.flag).filter((flag) => parsed.extras.has(flag));
  const manual = paginator && options.some((o) => (o.member === paginator.inputToken || o.member === paginator.limitKey) && parsed.values.has(o));
  const paging = paginator && !globals.noPaginate && !manual ? paginator : undefined;
  if (paginator && !paging && pagingGiven.length) {
    return errorLine(`Error during pagination: Cannot specify --no-paginate along with pagination arguments: ${pagingGiven.join(', ')}`, EXIT_USAGE);
  }
  const pagingNumbers: { pageSize?: number; maxItems?: number } = {};
  for (const [flag, key] of [['--page-size', 'pageSize'], ['--max-items', 'maxItems']] as const) {
    const value = parsed.extras.get(flag);
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^[-+]?\d+$/.test(value.trim())) return usageError(`argument ${flag}: invalid int value: '${String(value)}'`);
    pagingNumbers[key] = Number(value);
  }
  if (pagingNumbers.maxItems !== undefined && pagingNumbers.maxItems <= 0) {
    process.stderr.write('warning: Non-positive values for --max-items may result in undefined behavior.\n');
  }

  let format: OutputFormat;
  let connectTimeoutMs: number | undefined;
  let readTimeoutMs: number | undefined;
  try {
    format = outputFormat(globals);
    connectTimeoutMs = timeoutMs(globals.connectTimeout, '--cli-connect-timeout');
    readTimeoutMs = timeoutMs(globals.readTimeout, '--cli-read-timeout');
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    throw err;
  }
  if (globals.query !== undefined) {
    try {
      const jmespath = (await import('jmespath')).default;
      (jmespath as unknown as { compile(expression: string): unknown }).compile(globals.query);
    } catch (err) {
      return errorLine(`Bad value for --query ${globals.query}: ${(err as Error).message}`, EXIT_USAGE);
    }
  }

  let params: Record<string, unknown>;
  try {
    params = buildParams(parsed);
  } catch (err) {
    if (err instanceof ParamError) return errorLine(err.message, EXIT_USAGE);
    throw err;
  }
  const inputShape = inputShapeName(operation);
  if (inputShape) {
    const errors = validateParams(params, inputShape);
    if (errors.length) return errorLine(`Parameter validation failed:\n${errors.join('\n')}`, EXIT_USAGE);
  }

  let response: unknown;
  let paged: Paged | undefined;
  if (parsed.skeleton === 'output') {
    response = outputSkeleton(operation);
  } else {
    const endpoint = globals.endpointUrl;
    const call = async (input: Record<string, unknown>) => {
      const raw = await callOperation(operation, (inputShape ? toSdkInput(input, inputShape) : input) as Record<string, unknown>, {
        endpoint,
        region: globals.region,
        profile: globals.profile,
        debug: globals.debug,
        connectTimeoutMs,
        readTimeoutMs,
      });
      const outShape = outputShapeName(operation);
      const timestamps = profileSetting(profileName(globals.profile), 'cli_timestamp_format') === 'iso8601' ? 'iso8601' : 'none';
      return (outShape ? fromSdkOutput(raw, outShape, timestamps) : {}) as Record<string, unknown>;
    };
    try {
      if (paging) {
        const starting = parsed.extras.get('--starting-token');
        try {
          paged = await paginate(paging, params, { ...pagingNumbers, startingToken: typeof starting === 'string' ? starting : undefined }, call);
        } catch (err) {
          if (err instanceof Error && !(err instanceof CliFailure) && /^(Bad starting token|The same next token)/.test(err.message)) {
            return errorLine(`Error during pagination: ${err.message}`, EXIT_OTHER);
          }
          throw err;
        }
        response = fullResult(paging, paged);
      } else {
        response = await call(params);
      }
    } catch (err) {
      if (err instanceof CliFailure) return errorLine(err.message, err.exitCode);
      const kind = classifyError(err, resolveEndpoint(endpoint));
      if (globals.debug) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      if (kind.service) {
        return errorLine(`An error occurred (${kind.service.code}) when calling the ${operation} operation: ${kind.service.message}`, EXIT_SERVICE);
      }
      return errorLine(kind.connect ?? kind.other ?? String(err), EXIT_OTHER);
    }
  }

  // Text output shows each page on its own, the query applied to each; json and table the whole result.
  // The resume token follows as one more view (the AWS CLI applies the query to it too).
  const views: unknown[] = paged && paging && format === 'text' ? textPages(paging, paged) : [response];
  if (paged?.resumeToken !== undefined && format === 'text') views.push({ NextToken: { NextToken: paged.resumeToken } });
  let text = '';
  for (const view of views) {
    let shown: unknown = view;
    if (globals.query !== undefined) {
      try {
        const jmespath = (await import('jmespath')).default;
        shown = jmespath.search(plain(view), globals.query);
      } catch (err) {
        return errorLine(`Bad value for --query ${globals.query}: ${(err as Error).message}`, EXIT_USAGE);
      }
    }
    text += formatOutput(format, operation, shown);
  }
  process.stdout.write(text);

  if (parsed.extras.has('--show-qr') && response && typeof response === 'object') {
    const secret = (response as Record<string, unknown>).SecretCode;
    if (typeof secret === 'string') await showQr(secret, params, parsed.extras);
  }
  return 0;
}

/** For tests and docs: the global option names the CLI accepts. */
export const GLOBAL_OPTION_NAMES = Object.keys(GLOBAL_OPTIONS);
