import { join } from 'node:path';
import type { Credentials } from './protocol/sigv4.js';

/**
 * Server configuration. Every flag of `cognate serve` has an environment equivalent
 * (COGNATE_<NAME>), so the same settings work in a container or a CI job.
 */
export interface Config {
  host: string;
  port: number;
  /** SQLite file path, or ':memory:'. */
  db: string;
  region: string;
  /** Base of the `iss` claim and the discovery documents; defaults to http://<host>:<port>. */
  publicUrl?: string;
  /** Put `https://cognito-idp.<region>.amazonaws.com/<poolId>` in `iss`, for apps that hard-code it. */
  awsIssuer: boolean;
  /** 64 hex characters; when absent the key is read from (or created in) keyFile. */
  sealingKey?: string;
  keyFile: string;
  /**
   * What AssociateSoftwareToken does to a user's verified token.
   * 'immediate' (default): the old token stops working at once, as the AWS CLI page says.
   * 'on-verify': the old token keeps working until the new one is verified (newer AWS docs).
   */
  totpReassociation: 'immediate' | 'on-verify';
  /** Wrong MFA codes one auth session may receive before it is dead. */
  maxMfaAttemptsPerSession: number;
  /**
   * The AWS credentials signed operations must be signed with (SigV4, checked in full). Without
   * them any well-formed signature is accepted, as local emulators do.
   */
  credentials?: Credentials;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /**
   * Send CORS headers on signed operations and the outbox too, and approve preflights that carry
   * `authorization`. Off by default: a web page must not drive the admin API from a developer's
   * browser (docs/security.md).
   */
  corsAdmin: boolean;
  /** Simultaneous connections the server accepts; more are dropped (server.maxConnections). */
  maxConnections: number;
  /** Time to receive a request's headers (server.headersTimeout), in ms. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (server.requestTimeout), in ms. */
  requestTimeoutMs: number;
  /** Outbox messages older than this are deleted by the periodic sweep. */
  outboxRetentionHours: number;
  /** Outbox messages kept per pool, newest first; older ones are deleted by the sweep. */
  outboxMaxPerPool: number;
  logLevel: string;
  /**
   * `--test-clock`: the clock is the system clock plus an offset that POST /_cognate/clock moves
   * forward, for tests of expiry. Off by default: the endpoint then does not exist.
   */
  testClock: boolean;
  /** `--seed FILE`: a seed file (docs/seed.md) applied at start-up, before the server listens. */
  seed?: string;
  /**
   * `--lambda-endpoint URL`: where triggers are invoked (the Lambda Invoke API). Without it,
   * AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL (src/triggers/lambdaClient.ts, docs/triggers.md).
   */
  lambdaEndpoint?: string;
  /** How long a trigger may run: 5 seconds, as in Cognito; shorter only to test time-outs. */
  lambdaTimeoutMs: number;
}

export const defaultDbPath = join('.cognate', 'cognate.db');

import { isPostgresUrl as isDatabaseUrl } from './store/postgres/connection.js';

export { isDatabaseUrl };

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const db = overrides.db ?? defaultDbPath;
  // A SQLite file keeps its key beside it; a PostgreSQL database is shared by several processes,
  // which must be given the same key explicitly.
  const keyFile = db === ':memory:' || isDatabaseUrl(db) ? '' : join(dirOf(db), 'sealing.key');
  return {
    host: '127.0.0.1',
    port: 9229,
    db,
    region: 'us-east-1',
    awsIssuer: false,
    keyFile,
    totpReassociation: 'immediate',
    maxMfaAttemptsPerSession: 5,
    maxBodyBytes: 1024 * 1024,
    corsAdmin: false,
    maxConnections: 1024,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    outboxRetentionHours: 168,
    outboxMaxPerPool: 1000,
    logLevel: 'info',
    testClock: false,
    lambdaTimeoutMs: 5000,
    ...overrides,
  };
}

function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '.' : path.slice(0, i) || '/';
}

/** The issuer (`iss`) of a pool's tokens. */
export function issuerFor(config: Config, baseUrl: string, poolId: string): string {
  if (config.awsIssuer) return `https://cognito-idp.${config.region}.amazonaws.com/${poolId}`;
  return `${(config.publicUrl ?? baseUrl).replace(/\/+$/, '')}/${poolId}`;
}
