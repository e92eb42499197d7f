import type { IncomingMessage, ServerResponse } from 'node:http';
import { OffsetClock, isAdjustable } from '../clock.js';
import type { Deps } from '../deps.js';
import type { CognitoError } from '../errors.js';
import { authenticateRequest } from '../protocol/sigv4.js';
import { CORS } from './cors.js';

/**
 * The endpoints tests drive Cognate with (docs/testing.md), beside the outbox's GET in http.ts.
 * Each is guarded like admin operations: a SigV4 `Authorization` header, checked in full when the
 * server has credentials.
 *
 * - `GET /_cognate/clock`, `POST /_cognate/clock` `{"advanceSeconds": n}` or `{"set": epochSeconds}`:
 *   only with `--test-clock`; otherwise they answer 404 like any unknown path.
 * - `POST /_cognate/reset`: deletes every pool (and everything in them) and puts the test clock back
 *   to the real time; `POST /_cognate/reset?poolId=...` deletes that pool only.
 * - `DELETE /_cognate/outbox?poolId=...`: empties a pool's outbox.
 *
 * Answers false when the request is none of these (the caller answers it, or 404).
 */
export async function control(deps: Deps, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const method = req.method ?? 'GET';
  const route =
    path === '/_cognate/clock' && deps.config.testClock && (method === 'GET' || method === 'POST') ? clock
    : path === '/_cognate/reset' && method === 'POST' ? reset
    : path === '/_cognate/outbox' && method === 'DELETE' ? clearOutbox
    : undefined;
  if (!route) return false;
  const body = await readSmallBody(req);
  if (body === undefined) {
    sendJson(res, 400, { __type: 'InvalidParameterException', message: 'The request body is larger than 4096 bytes.' });
    return true;
  }
  try {
    authenticateRequest(deps, {
      method,
      url: req.url ?? '/',
      authorization: req.headers.authorization,
      rawHeaders: req.rawHeaders,
      body,
    });
  } catch (err) {
    const e = err as CognitoError;
    sendJson(res, 403, { __type: e.type, message: e.message });
    return true;
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const answer = await route(deps, method, query, body);
  sendJson(res, answer.status, answer.body);
  return true;
}

interface Answer {
  status: number;
  body: unknown;
}

const invalid = (message: string): Answer => ({ status: 400, body: { __type: 'InvalidParameterException', message } });

function clockState(deps: Deps): Answer {
  const now = deps.clock.now();
  const offset = deps.clock instanceof OffsetClock ? deps.clock.offset() : now - Date.now();
  return { status: 200, body: { now: now / 1000, iso: new Date(now).toISOString(), offsetSeconds: offset / 1000 } };
}

async function clock(deps: Deps, method: string, _query: URLSearchParams, body: Buffer): Promise<Answer> {
  if (method === 'GET') return clockState(deps);
  const clock = deps.clock;
  if (!isAdjustable(clock)) return invalid('This server was given a clock that cannot be moved.');
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return { status: 400, body: { __type: 'SerializationException', message: 'The request body is not JSON.' } };
  }
  const { advanceSeconds, set, ...rest } = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return invalid(`Unknown member ${Object.keys(rest)[0]}: expected advanceSeconds or set.`);
  if ((advanceSeconds === undefined) === (set === undefined)) return invalid('Give exactly one of advanceSeconds and set.');
  if (advanceSeconds !== undefined) {
    if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds) || advanceSeconds < 0) {
      return invalid('advanceSeconds must be a number of seconds, 0 or more: the clock only moves forward.');
    }
    clock.advance(Math.round(advanceSeconds * 1000));
  } else {
    if (typeof set !== 'number' || !Number.isFinite(set)) return invalid('set must be a time in seconds since 1970.');
    const target = Math.round(set * 1000);
    if (target < clock.now()) {
      return invalid(`The clock only moves forward: ${new Date(target).toISOString()} is before ${new Date(clock.now()).toISOString()}.`);
    }
    clock.set(target);
  }
  deps.log.info({ offsetSeconds: (clockState(deps).body as { offsetSeconds: number }).offsetSeconds }, 'test clock moved');
  return clockState(deps);
}

async function reset(deps: Deps, _method: string, query: URLSearchParams): Promise<Answer> {
  const poolId = query.get('poolId');
  if (poolId !== null) {
    if (!(await deps.store.deletePool(poolId))) {
      return { status: 400, body: { __type: 'ResourceNotFoundException', message: `User pool ${poolId} does not exist.` } };
    }
    deps.keys.forgetPool(poolId);
    deps.log.info({ poolId }, 'reset: pool deleted');
    return { status: 200, body: { deletedPools: 1 } };
  }
  let deleted = 0;
  // Always the first page, until there is none: the pools of the previous page are gone.
  for (let page = await deps.store.listPools(60); page.items.length > 0; page = await deps.store.listPools(60)) {
    for (const pool of page.items) {
      if (await deps.store.deletePool(pool.id)) deleted++;
      deps.keys.forgetPool(pool.id);
    }
  }
  // Nothing that remembers the moved time is left, so the test clock may go back to the real time.
  if (deps.clock instanceof OffsetClock) deps.clock.reset();
  deps.log.info({ deletedPools: deleted }, 'reset: every pool deleted');
  return { status: 200, body: { deletedPools: deleted } };
}

async function clearOutbox(deps: Deps, _method: string, query: URLSearchParams): Promise<Answer> {
  const poolId = query.get('poolId');
  if (!poolId) return invalid('Missing required parameter poolId');
  return { status: 200, body: { deletedMessages: await deps.store.clearOutbox(poolId) } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const MAX_BODY = 4096;

/** These requests carry at most a small JSON object; undefined when the body is larger. */
function readSmallBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
