import { parseArgs } from 'node:util';
import { defaultConfig, type Config } from '../config.js';

const help = `Usage: cognate serve [options]

Starts the Cognito user pools endpoint. Every option has an environment variable.

  --host HOST              listen address (COGNATE_HOST, default 127.0.0.1)
  --port PORT              listen port, 0 for any (COGNATE_PORT, default 9229)
  --db PATH|URL            SQLite file, :memory:, or postgres://user@host/db (COGNATE_DB,
                           default ./.cognate/cognate.db)
  --region REGION          region in pool ids (COGNATE_REGION, default us-east-1)
  --public-url URL         base of token issuers and discovery (COGNATE_PUBLIC_URL, default http://HOST:PORT)
  --aws-issuer             put https://cognito-idp.REGION.amazonaws.com/POOL in iss (COGNATE_AWS_ISSUER=1)
  --sealing-key HEX        64 hex characters sealing secrets at rest (COGNATE_SEALING_KEY;
                           default: read or create a 0600 key file next to the database)
  --key-file PATH          where that key file lives (COGNATE_KEY_FILE); with PostgreSQL,
                           --sealing-key or --key-file is required and shared by every process
  --totp-reassociation M   immediate (default) or on-verify (COGNATE_TOTP_REASSOCIATION)
  --max-mfa-attempts N     wrong MFA codes one sign-in session may receive (COGNATE_MAX_MFA_ATTEMPTS, default 5)
  --access-key-id ID       with --secret-access-key: the AWS credentials that signed operations (Admin*,
                           pool and client management, the outbox) must carry, checked in full (SigV4)
                           (COGNATE_ACCESS_KEY_ID); without them any well-formed signature is accepted
  --secret-access-key KEY  (COGNATE_SECRET_ACCESS_KEY)
  --cors-admin             CORS for signed operations and the outbox too (COGNATE_CORS_ADMIN=1); by
                           default only unsigned user operations may be called from a web page
  --max-connections N      simultaneous connections (COGNATE_MAX_CONNECTIONS, default 1024)
  --headers-timeout-ms N   time to send a request's headers (COGNATE_HEADERS_TIMEOUT_MS, default 10000)
  --request-timeout-ms N   time to send a whole request (COGNATE_REQUEST_TIMEOUT_MS, default 30000)
  --outbox-retention-hours N  outbox messages kept this long (COGNATE_OUTBOX_RETENTION_HOURS, default 168)
  --outbox-max-per-pool N  outbox messages kept per pool, newest (COGNATE_OUTBOX_MAX_PER_POOL, default 1000)
  --seed FILE              apply this seed file (JSON, docs/seed.md) before listening: pools, clients,
                           groups and users with fixed ids; applying it again changes nothing (COGNATE_SEED)
  --lambda-endpoint URL    where pools' Lambda triggers are invoked (Lambda Invoke API: sam local
                           start-lambda, LocalStack ...) (COGNATE_LAMBDA_ENDPOINT; default
                           AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL; docs/triggers.md)
  --lambda-timeout-ms N    how long a trigger may run (COGNATE_LAMBDA_TIMEOUT_MS, default 5000, as
                           Cognito; shorter only to test time-outs)
  --log-level LEVEL        trace, debug, info, warn, error (COGNATE_LOG_LEVEL, default info)
  --test-clock             for tests: POST /_cognate/clock moves the server's clock forward
                           (COGNATE_TEST_CLOCK=1; off by default, the endpoint then answers 404)

Prints 'Cognate listening on URL' on standard output once it accepts requests.
`;

export function configFromArgs(args: string[], env: NodeJS.ProcessEnv = process.env): Config | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      region: { type: 'string' },
      'public-url': { type: 'string' },
      'aws-issuer': { type: 'boolean' },
      'sealing-key': { type: 'string' },
      'key-file': { type: 'string' },
      'totp-reassociation': { type: 'string' },
      'max-mfa-attempts': { type: 'string' },
      'access-key-id': { type: 'string' },
      'secret-access-key': { type: 'string' },
      'log-level': { type: 'string' },
      'cors-admin': { type: 'boolean' },
      'max-connections': { type: 'string' },
      'headers-timeout-ms': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'outbox-retention-hours': { type: 'string' },
      'outbox-max-per-pool': { type: 'string' },
      'test-clock': { type: 'boolean' },
      seed: { type: 'string' },
      'lambda-endpoint': { type: 'string' },
      'lambda-timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const pick = (flag: string | undefined, name: string) => flag ?? env[`COGNATE_${name}`];
  const db = pick(values.db, 'DB');
  const base = defaultConfig(db ? { db } : {});
  const port = pick(values.port, 'PORT');
  const reassociation = pick(values['totp-reassociation'], 'TOTP_REASSOCIATION') ?? 'immediate';
  if (reassociation !== 'immediate' && reassociation !== 'on-verify') {
    throw new Error(`--totp-reassociation must be immediate or on-verify, not ${reassociation}`);
  }
  const attempts = pick(values['max-mfa-attempts'], 'MAX_MFA_ATTEMPTS');
  const accessKeyId = pick(values['access-key-id'], 'ACCESS_KEY_ID') || undefined;
  const secretAccessKey = pick(values['secret-access-key'], 'SECRET_ACCESS_KEY') || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error('--access-key-id and --secret-access-key go together');
  }
  const integer = (flag: string, name: string, fallback: number, min: number) => {
    const text = pick((values as Record<string, string | boolean | undefined>)[flag] as string | undefined, name);
    if (text === undefined) return fallback;
    const n = parseInteger(text, `--${flag}`);
    if (n < min) throw new Error(`--${flag} must be at least ${min}, not ${n}`);
    return n;
  };
  const config: Config = {
    ...base,
    host: pick(values.host, 'HOST') ?? base.host,
    port: port === undefined ? base.port : parseInteger(port, '--port'),
    region: pick(values.region, 'REGION') ?? base.region,
    publicUrl: pick(values['public-url'], 'PUBLIC_URL'),
    awsIssuer: values['aws-issuer'] ?? ['1', 'true'].includes(env.COGNATE_AWS_ISSUER ?? ''),
    sealingKey: pick(values['sealing-key'], 'SEALING_KEY'),
    keyFile: pick(values['key-file'], 'KEY_FILE') ?? base.keyFile,
    totpReassociation: reassociation,
    maxMfaAttemptsPerSession: attempts === undefined ? base.maxMfaAttemptsPerSession : parseInteger(attempts, '--max-mfa-attempts'),
    logLevel: pick(values['log-level'], 'LOG_LEVEL') ?? base.logLevel,
    corsAdmin: values['cors-admin'] ?? ['1', 'true'].includes(env.COGNATE_CORS_ADMIN ?? ''),
    maxConnections: integer('max-connections', 'MAX_CONNECTIONS', base.maxConnections, 1),
    headersTimeoutMs: integer('headers-timeout-ms', 'HEADERS_TIMEOUT_MS', base.headersTimeoutMs, 1),
    requestTimeoutMs: integer('request-timeout-ms', 'REQUEST_TIMEOUT_MS', base.requestTimeoutMs, 1),
    outboxRetentionHours: integer('outbox-retention-hours', 'OUTBOX_RETENTION_HOURS', base.outboxRetentionHours, 1),
    outboxMaxPerPool: integer('outbox-max-per-pool', 'OUTBOX_MAX_PER_POOL', base.outboxMaxPerPool, 1),
    testClock: values['test-clock'] ?? ['1', 'true'].includes(env.COGNATE_TEST_CLOCK ?? ''),
    ...(pick(values.seed, 'SEED') ? { seed: pick(values.seed, 'SEED') } : {}),
    ...(pick(values['lambda-endpoint'], 'LAMBDA_ENDPOINT') ? { lambdaEndpoint: pick(values['lambda-endpoint'], 'LAMBDA_ENDPOINT') } : {}),
    lambdaTimeoutMs: integer('lambda-timeout-ms', 'LAMBDA_TIMEOUT_MS', base.lambdaTimeoutMs, 1),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  };
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new Error('--headers-timeout-ms must not exceed --request-timeout-ms');
  }
  if (config.lambdaEndpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(config.lambdaEndpoint)) {
    throw new Error(`--lambda-endpoint must be an http:// or https:// URL, not ${config.lambdaEndpoint}`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region)) throw new Error(`--region ${config.region} is not a region name`);
  return config;
}

function parseInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a whole number, not ${value}`);
  return Number(value);
}

export async function runServe(args: string[]): Promise<number> {
  let config: Config | 'help';
  try {
    config = configFromArgs(args);
  } catch (err) {
    process.stderr.write(`cognate serve: ${(err as Error).message}\n\n${help}`);
    return 252;
  }
  if (config === 'help') {
    process.stdout.write(help);
    return 0;
  }
  const { startServer } = await import('../server/http.js');
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(config);
  } catch (err) {
    process.stderr.write(`cognate serve: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`Cognate listening on ${running.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.deps.log.info({ signal }, 'shutting down: finishing in-flight requests');
    running.close().then(
      () => process.exit(0),
      (err) => {
        running.deps.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1;
}
