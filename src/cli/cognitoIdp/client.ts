/**
 * Calls an operation through the official SDK (@aws-sdk/client-cognito-identity-provider), so the
 * same command works against Cognate and against Amazon Cognito.
 *
 * - endpoint: --endpoint-url, else $COGNATE_ENDPOINT, else http://127.0.0.1:9229.
 * - region: --region, else $AWS_REGION / $AWS_DEFAULT_REGION, else the profile's `region`, else us-east-1.
 * - credentials (signed operations only): the SDK's standard sources for the profile (--profile,
 *   else $AWS_PROFILE, else `default`). Against a local endpoint (localhost, 127.0.0.0/8, [::1])
 *   only the environment and the shared files are consulted (never the EC2/ECS metadata
 *   services), and when they hold nothing, fixed placeholder credentials are used: a local
 *   Cognate accepts any signature from them.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isUnsigned } from './model.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9229';
export const DEFAULT_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = Object.freeze({ accessKeyId: 'cognate-local', secretAccessKey: 'cognate-local' });

export interface ClientOptions {
  endpoint?: string;
  region?: string;
  profile?: string;
  debug?: boolean;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

export class CliFailure extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

// ---- shared config files ----------------------------------------------------------------------

type Ini = Record<string, Record<string, string>>;

function parseIni(text: string): Ini {
  const out: Ini = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      section = out[header[1]!] ??= {};
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && section && !/^\s/.test(raw)) section[kv[1]!] = kv[2]!;
  }
  return out;
}

function readIni(path: string): Ini {
  try {
    return parseIni(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}

const configPath = () => process.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
const credentialsPath = () => process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');

export function profileName(explicit?: string): string {
  return explicit ?? process.env.AWS_PROFILE ?? process.env.AWS_DEFAULT_PROFILE ?? 'default';
}

/** A setting (`region`, `output`, ...) of the profile in ~/.aws/config. */
export function profileSetting(profile: string, key: string): string | undefined {
  const config = readIni(configPath());
  const section = profile === 'default' ? (config.default ?? config['profile default']) : config[`profile ${profile}`];
  return section?.[key];
}

export function profileExists(profile: string): boolean {
  const config = readIni(configPath());
  const creds = readIni(credentialsPath());
  return Boolean(config[`profile ${profile}`] ?? (profile === 'default' ? config.default : undefined) ?? creds[profile]);
}

export function resolveEndpoint(explicit?: string): string {
  return explicit ?? process.env.COGNATE_ENDPOINT ?? DEFAULT_ENDPOINT;
}

export function resolveRegion(explicit: string | undefined, profile: string): string {
  return explicit ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? profileSetting(profile, 'region') ?? DEFAULT_REGION;
}

export function isLocalEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
  } catch {
    return false;
  }
}

// ---- credentials ------------------------------------------------------------------------------

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
type CredentialProvider = () => Promise<Credentials>;

function credentialsFor(operation: string, endpoint: string, profile: string, explicitProfile: boolean): CredentialProvider {
  if (isUnsigned(operation)) return async () => ({ ...LOCAL_CREDENTIALS });
  const local = isLocalEndpoint(endpoint);
  let cached: Promise<Credentials> | undefined;
  return () =>
    (cached ??= (async () => {
      if (local) {
        const { fromEnv } = await import('@aws-sdk/credential-provider-env');
        try {
          return await fromEnv()();
        } catch {
          /* next source */
        }
        if (explicitProfile || profileExists(profile)) {
          const { fromIni } = await import('@aws-sdk/credential-provider-ini');
          try {
            return await fromIni({ profile })();
          } catch (err) {
            if (explicitProfile) throw new CliFailure(`Unable to load credentials of profile ${profile}: ${(err as Error).message}`, 253);
          }
        }
        return { ...LOCAL_CREDENTIALS };
      }
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
      try {
        return await defaultProvider({ profile })();
      } catch {
        throw new CliFailure(`Unable to locate credentials. You can configure credentials by running "aws configure".`, 253);
      }
    })());
}

// ---- the call ---------------------------------------------------------------------------------

type CommandCtor = new (input: unknown) => unknown;

function commandClass(sdk: Record<string, unknown>, operation: string): CommandCtor {
  const ctor = sdk[`${operation}Command`];
  if (typeof ctor !== 'function') throw new CliFailure(`The SDK has no command for ${operation}`, 255);
  return ctor as CommandCtor;
}

const debugLog = (message: string) => process.stderr.write(`${new Date().toISOString()} - cognate - DEBUG - ${message}\n`);

export interface ServiceErrorInfo {
  code: string;
  message: string;
}

/** What an SDK error means for the CLI: a service error, a connection failure, or something else. */
export function classifyError(err: unknown, endpoint: string): { service?: ServiceErrorInfo; connect?: string; other?: string } {
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string; cause?: { code?: string } };
  if (e && typeof e === 'object' && e.$metadata && typeof e.$metadata.httpStatusCode === 'number') {
    return { service: { code: e.name && e.name !== 'Error' ? e.name : 'Unknown', message: e.message || 'Unknown' } };
  }
  const code = e?.code ?? e?.cause?.code;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH'].includes(code)) {
    return { connect: `Could not connect to the endpoint URL: "${endpoint.replace(/\/?$/, '/')}"` };
  }
  if (e?.name === 'TimeoutError') return { connect: `Read timeout on endpoint URL: "${endpoint.replace(/\/?$/, '/')}"` };
  return { other: e?.message ?? String(err) };
}

export async function callOperation(operation: string, params: Record<string, unknown>, options: ClientOptions): Promise<Record<string, unknown>> {
  const endpoint = resolveEndpoint(options.endpoint);
  const profile = profileName(options.profile);
  const region = resolveRegion(options.region, profile);
  if (options.profile !== undefined && !profileExists(options.profile)) {
    throw new CliFailure(`The config profile (${options.profile}) could not be found`, 255);
  }
  const requestHandler =
    options.connectTimeoutMs !== undefined || options.readTimeoutMs !== undefined
      ? { connectionTimeout: options.connectTimeoutMs, requestTimeout: options.readTimeoutMs }
      : undefined;
  // Error output must be exactly the AWS CLI's: no SDK warning about the Node.js version on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded here so that skeletons, help and usage errors do not pay for the SDK.
  const sdk = await import('@aws-sdk/client-cognito-identity-provider');
  // Credentials are resolved before anything is sent: without them, no request leaves.
  const credentials = credentialsFor(operation, endpoint, profile, options.profile !== undefined);
  if (!isUnsigned(operation)) await credentials();
  const client = new sdk.CognitoIdentityProviderClient({
    endpoint,
    region,
    credentials,
    ...(requestHandler ? { requestHandler } : {}),
    ...(options.debug
      ? { logger: { trace: () => {}, debug: (...a: unknown[]) => debugLog(a.map(String).join(' ')), info: () => {}, warn: (...a: unknown[]) => debugLog(a.map(String).join(' ')), error: (...a: unknown[]) => debugLog(a.map(String).join(' ')) } }
      : {}),
  });
  if (options.debug) {
    debugLog(`Calling ${operation} at ${endpoint} (region ${region}, ${isUnsigned(operation) ? 'unsigned' : `signed, profile ${profile}`})`);
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { method?: string; hostname?: string; port?: number; path?: string; headers?: Record<string, string>; body?: unknown };
        debugLog(`Sending request: ${req.method} ${req.path} to ${req.hostname}${req.port ? `:${req.port}` : ''}`);
        debugLog(`Request headers: ${JSON.stringify(req.headers ?? {})}`);
        if (typeof req.body === 'string') debugLog(`Request body: ${req.body}`);
        const started = Date.now();
        const result = await next(args);
        const res = result.response as { statusCode?: number; headers?: Record<string, string> };
        debugLog(`Response: ${res.statusCode} after ${Date.now() - started} ms, headers: ${JSON.stringify(res.headers ?? {})}`);
        return result;
      },
      { step: 'deserialize', name: 'cognateDebugLogger', priority: 'low' },
    );
  }
  try {
    const Command = commandClass(sdk as unknown as Record<string, unknown>, operation);
    const output = (await client.send(new Command(params) as never)) as unknown as Record<string, unknown>;
    if (options.debug) debugLog(`Response metadata: ${JSON.stringify(output.$metadata ?? {})}`);
    delete output.$metadata;
    return output;
  } finally {
    client.destroy();
  }
}
