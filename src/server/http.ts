import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeps, createHandlers, type AppOptions } from '../app.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { CognitoError, InvalidParameterException, SerializationException } from '../errors.js';
import { errorResponse, type WireResponse } from '../protocol/awsJson.js';
import { createDispatcher } from '../protocol/dispatch.js';
import { authenticateRequest, type SignedRequest } from '../protocol/sigv4.js';
import { control } from './control.js';
import { CORS } from './cors.js';
import { wellKnown } from './wellKnown.js';

export interface RunningServer {
  url: string;
  deps: Deps;
  server: Server;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

function send(res: ServerResponse, response: WireResponse): void {
  res.writeHead(response.status, { ...CORS, ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

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

/** Reads the body up to the limit; undefined when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Expired auth sessions are deleted once a minute; a stale one is refused anyway, this keeps the table small. */
const SESSION_SWEEP_MS = 60_000;

export async function startServer(config: Config, options: AppOptions = {}): Promise<RunningServer> {
  const deps = createDeps(config, options);
  await deps.store.ready();
  const dispatch = createDispatcher(deps, createHandlers(deps));
  let baseUrl = config.publicUrl ?? '';

  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        res.end();
        return;
      }
      if (req.method === 'POST' && path === '/') {
        const bytes = await readBody(req, config.maxBodyBytes);
        if (bytes === undefined) {
          res.setHeader('connection', 'close');
          send(res, errorResponse(randomUUID(), InvalidParameterException(`The request body is larger than ${config.maxBodyBytes} bytes.`)));
          return;
        }
        const body = decodeBody(bytes);
        if (body === null) {
          send(res, errorResponse(randomUUID(), SerializationException('The request body is not valid UTF-8.')));
          return;
        }
        const target = req.headers['x-amz-target'];
        send(res, await dispatch({
          target: Array.isArray(target) ? target[0] : target,
          body,
          baseUrl,
          raw: signedRequest(req, bytes),
        }));
        return;
      }
      if (req.method === 'GET' && path === '/health') {
        sendJson(res, 200, { status: 'ok' });
        return;
      }
      if (path.startsWith('/_cognate/') && (await control(deps, req, res, path))) return;
      if (req.method === 'GET' && path === '/_cognate/outbox') {
        await outbox(deps, req, res);
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
      deps.log.error({ err }, 'unexpected error outside an operation');
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalErrorException', message: 'An internal error occurred.' });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  baseUrl = config.publicUrl ?? url;

  const sweep = setInterval(() => {
    deps.store.deleteExpiredSessions(deps.clock.now()).catch((err) => deps.log.warn({ err }, 'session sweep failed'));
  }, SESSION_SWEEP_MS);
  sweep.unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      clearInterval(sweep);
      server.close(() => resolve());
      server.closeIdleConnections();
    }).then(() => deps.store.close()));

  return { url, deps, server, close };
}

/**
 * GET /_cognate/outbox?poolId=...&username=...: the codes and messages Cognate would have sent by
 * SMS or email, newest first. Guarded like admin operations (SigV4, checked in full when credentials are configured).
 */
async function outbox(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    authenticateRequest(deps, signedRequest(req, Buffer.alloc(0)));
  } catch (err) {
    const e = err as CognitoError;
    sendJson(res, 403, { __type: e.type, message: e.message });
    return;
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const poolId = query.get('poolId');
  if (!poolId) {
    sendJson(res, 400, { __type: 'InvalidParameterException', message: 'Missing required parameter poolId' });
    return;
  }
  const messages = await deps.store.listOutbox(poolId, query.get('username') ?? undefined, 50);
  sendJson(res, 200, { Messages: messages.map(({ poolId: _p, ...m }) => ({ ...m, createdAt: m.createdAt / 1000 })) });
}
