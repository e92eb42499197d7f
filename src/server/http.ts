import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSealingKey, createDeps, createHandlers, type AppOptions } from '../app.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { CognitoError, InvalidParameterException, SerializationException } from '../errors.js';
import { getOperation, isUnsignedOperation } from '../model/serviceModel.js';
import { errorResponse, type WireResponse } from '../protocol/awsJson.js';
import { createDispatcher } from '../protocol/dispatch.js';
import { authenticateRequest, type SignedRequest } from '../protocol/sigv4.js';
import { control } from './control.js';
import { CORS, CORS_ADMIN } from './cors.js';
import { wellKnown } from './wellKnown.js';
import { IMPORT_UPLOAD_PREFIX, importUpload } from './importUpload.js';
import { ClientGone, readBody } from './body.js';
import { handleDomainRequest } from '../oauth/router.js';
import { EXPIRY_MS, recoverImportJobs, STALE_JOB_MS, stopImportJobs } from '../import/jobs.js';

export interface RunningServer {
  url: string;
  deps: Deps;
  server: Server;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
  /** Runs the periodic sweep now (expired sessions, outbox retention); the server runs it once a minute. */
  sweep(): Promise<void>;
}

type Headers = Record<string, string>;
const NO_CORS: Headers = {};

function send(res: ServerResponse, response: WireResponse, cors: Headers): void {
  res.writeHead(response.status, { ...cors, ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, cors: Headers = CORS): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...cors, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/** Whether X-Amz-Target names an operation that must be SigV4-signed (everything but `authtype: none`). */
function isSignedTarget(target: string | undefined): boolean {
  if (!target?.startsWith(TARGET_PREFIX)) return false;
  const name = target.slice(TARGET_PREFIX.length);
  return getOperation(name) !== undefined && !isUnsignedOperation(name);
}

/**
 * DNS rebinding: a page on evil.example whose name later resolves to 127.0.0.1 reaches a loopback
 * server as a same-origin request, CORS or not; only its Host header still says evil.example.
 * A server listening on loopback therefore answers only loopback names and the public URL's host.
 * https://www.rfc-editor.org/rfc/rfc6761#section-6.3 (names under .localhost are loopback).
 */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The name in a Host header, without its port: `[::1]:9229` -> `::1`, `localhost:9229` -> `localhost`. */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return (colon < 0 || h.indexOf(':') !== colon ? h : h.slice(0, colon)).replace(/\.$/, '');
}

const hostRefused = (host: string) =>
  new CognitoError(
    'AccessDeniedException',
    `Host '${host.slice(0, 100)}' is not a loopback name or the host of --public-url: a server listening on loopback answers only those (docs/security.md).`,
    403,
  );

/** What a SigV4 signature of this request covers. */
function signedRequest(req: IncomingMessage, body: Buffer): SignedRequest {
  return { method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization, rawHeaders: req.rawHeaders, body };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON text must be UTF-8 (RFC 8259 section 8.1): bad bytes are refused, not replaced with U+FFFD. */
function decodeBody(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Expired auth sessions are deleted once a minute; a stale one is refused anyway, this keeps the table small. */
const SESSION_SWEEP_MS = 60_000;

export async function startServer(config: Config, options: AppOptions = {}): Promise<RunningServer> {
  // Whether this start is about to create the key file: an existing database then cannot open.
  const keyFileCreated = !config.sealingKey && config.keyFile !== '' && !existsSync(config.keyFile);
  const deps = createDeps(config, options);
  try {
    await deps.store.ready();
    await checkSealingKey(deps, keyFileCreated);
    if (config.seed) {
      const summary = await (await import('../seed/apply.js')).applySeedFile(deps, config.seed);
      deps.log.info({ seed: config.seed, ...summary }, 'seed applied');
    }
  } catch (err) {
    await deps.store.close().catch(() => {});
    throw err;
  }
  const dispatch = createDispatcher(deps, createHandlers(deps));
  let baseUrl = config.publicUrl ?? '';
  const userCors = config.corsAdmin ? CORS_ADMIN : CORS;
  const adminCors = config.corsAdmin ? CORS_ADMIN : NO_CORS;
  const checkHost = isLoopbackAddress(config.host);
  const publicHost = config.publicUrl ? hostName(new URL(config.publicUrl).host) : undefined;

  const server = createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Node checks both timeouts on this interval (default 30 s, which would stretch them).
    connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
  }, async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (checkHost && req.headers.host !== undefined) {
        const name = hostName(req.headers.host);
        if (!isLoopbackAddress(name) && name !== publicHost) {
          send(res, errorResponse(randomUUID(), hostRefused(req.headers.host)), NO_CORS);
          return;
        }
      }
      // Managed login: a pool's domain is served at /domains/<prefix>/, preflights included (src/oauth/router.ts).
      if (path.startsWith('/domains/') && (await handleDomainRequest(deps, req, res, baseUrl))) return;
      if (req.method === 'OPTIONS') {
        // A preflight does not name the operation (X-Amz-Target's value is not sent): it approves
        // the user operations' headers only, so a signed request (authorization) is never sent.
        res.writeHead(204, userCors);
        res.end();
        return;
      }
      if (req.method === 'POST' && path === '/') {
        const header = req.headers['x-amz-target'];
        const target = Array.isArray(header) ? header[0] : header;
        // The answer to a signed operation carries no CORS header, so no page can read it.
        const cors = isSignedTarget(target) ? adminCors : userCors;
        const bytes = await readBody(req, config.maxBodyBytes);
        if (bytes === undefined) {
          res.setHeader('connection', 'close');
          send(res, errorResponse(randomUUID(), InvalidParameterException(`The request body is larger than ${config.maxBodyBytes} bytes.`)), cors);
          return;
        }
        const body = decodeBody(bytes);
        if (body === null) {
          send(res, errorResponse(randomUUID(), SerializationException('The request body is not valid UTF-8.')), cors);
          return;
        }
        send(res, await dispatch({ target, body, baseUrl, sourceIp: req.socket.remoteAddress, raw: signedRequest(req, bytes) }), cors);
        return;
      }
      if (req.method === 'GET' && path === '/health') {
        sendJson(res, 200, { status: 'ok' });
        return;
      }
      if (req.method === 'PUT' && path.startsWith(IMPORT_UPLOAD_PREFIX)) {
        await importUpload(deps, req, res);
        return;
      }
      if (path.startsWith('/_cognate/') && (await control(deps, req, res, path))) return;
      if (req.method === 'GET' && path === '/_cognate/outbox') {
        await outbox(deps, req, res, adminCors);
        return;
      }
      if (req.method === 'GET') {
        const doc = await wellKnown(deps, path, baseUrl);
        if (doc) {
          sendJson(res, doc.status, doc.body);
          return;
        }
      }
      sendJson(res, 404, { __type: 'NotFound', message: 'Not found.' });
    } catch (err) {
      if (err instanceof ClientGone) {
        // A client that disconnects mid-request is not a server fault (debug only).
        deps.log.debug({ method: req.method, url: req.url?.split('?')[0] }, 'client went away');
        res.destroy();
        return;
      }
      deps.log.error({ err }, 'unexpected error outside an operation');
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalErrorException', message: 'An internal error occurred.' });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;
  // Beyond this many open connections new ones are dropped at once; SDKs reuse few connections.
  server.maxConnections = config.maxConnections;
  // AWS SDKs send about ten headers; Node would accept 2000.
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  baseUrl = config.publicUrl ?? url;

  const runSweep = async () => {
    const now = deps.clock.now();
    await deps.store.deleteExpiredSessions(now).catch((err) => deps.log.warn({ err }, 'session sweep failed'));
    // Managed login's authorization codes (5 minutes) and sessions (1 hour): refused once expired anyway.
    await deps.store.deleteExpiredLoginState(now).catch((err) => deps.log.warn({ err }, 'login state sweep failed'));
    // Outbox retention (docs/outbox.md): it holds temporary passwords and codes, and grows with every message.
    await deps.store
      .pruneOutbox(now - config.outboxRetentionHours * 3_600_000, config.outboxMaxPerPool)
      .catch((err) => deps.log.warn({ err }, 'outbox sweep failed'));
    // Import jobs not started within 24 hours: Expired, their CSV (up to 100 MB) deleted.
    await deps.store.expireImportJobs(now - EXPIRY_MS + 1).catch((err) => deps.log.warn({ err }, 'import job expiry failed'));
  };
  const sweep = setInterval(() => void runSweep(), SESSION_SWEEP_MS);
  sweep.unref();
  // Import jobs a stopped process left active (docs/behaviour.md, "User import jobs"): with the database
  // to this process alone, all of them; on a shared one, those whose heartbeat is old, now and at each sweep.
  const recoverJobs = (staleBefore: number) =>
    recoverImportJobs(deps, staleBefore).catch((err) => deps.log.warn({ err }, 'import job recovery failed'));
  await recoverJobs(deps.store.exclusive ? Number.MAX_SAFE_INTEGER : deps.clock.now() - STALE_JOB_MS);
  const jobSweep = deps.store.exclusive ? undefined : setInterval(() => void recoverJobs(deps.clock.now() - STALE_JOB_MS), SESSION_SWEEP_MS);
  jobSweep?.unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      clearInterval(sweep);
      clearInterval(jobSweep);
      server.close(() => resolve());
      server.closeIdleConnections();
    })
      .then(() => stopImportJobs(deps.store))
      .then(() => deps.store.close()));

  return { url, deps, server, close, sweep: runSweep };
}

/**
 * GET /_cognate/outbox?poolId=...&username=...: the codes and messages Cognate would have sent by
 * SMS or email, newest first. Guarded like admin operations (SigV4, checked in full when credentials are configured).
 */
async function outbox(deps: Deps, req: IncomingMessage, res: ServerResponse, cors: Headers): Promise<void> {
  try {
    authenticateRequest(deps, signedRequest(req, Buffer.alloc(0)));
  } catch (err) {
    const e = err as CognitoError;
    sendJson(res, 403, { __type: e.type, message: e.message }, cors);
    return;
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const poolId = query.get('poolId');
  if (!poolId) {
    sendJson(res, 400, { __type: 'InvalidParameterException', message: 'Missing required parameter poolId' }, cors);
    return;
  }
  const messages = await deps.store.listOutbox(poolId, query.get('username') ?? undefined, 50);
  sendJson(res, 200, { Messages: messages.map(({ poolId: _p, ...m }) => ({ ...m, createdAt: m.createdAt / 1000 })) }, cors);
}
