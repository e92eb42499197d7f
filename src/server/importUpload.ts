import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { bytesEqual } from '../crypto/constantTime.js';
import type { Deps } from '../deps.js';
import { MAX_CSV_BYTES, UPLOAD_URL_LIFETIME_MS } from '../import/jobs.js';
import { CORS } from './cors.js';

/**
 * PUT /_cognate/import/<poolId>/<jobId>?token=<token>: the upload URL of a user import job, in
 * place of Cognito's pre-signed S3 URL. It takes what clients send to S3 (`curl -T users.csv -H
 * 'x-amz-server-side-encryption:aws:kms' "$URL"`, `requests.put(url, data)`): the body is the CSV,
 * other headers are ignored. The token is the URL's only credential, compared in constant time;
 * the URL works for 15 minutes and while the job is Created, as Cognito documents; a file is at
 * most 100 MB. Answers are S3's: 200 with an ETag, or an XML error.
 */
export const IMPORT_UPLOAD_PREFIX = '/_cognate/import/';

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { ...CORS, 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads the body up to `limit` bytes; undefined when it is larger (the rest is drained). */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function importUpload(deps: Pick<Deps, 'store' | 'clock'>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let parts: string[];
  try {
    parts = url.pathname.slice(IMPORT_UPLOAD_PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    parts = []; // a malformed escape names no job
  }
  const [poolId, jobId, ...rest] = parts;
  const token = url.searchParams.get('token') ?? '';
  const job = poolId && jobId && rest.length === 0 ? await deps.store.getImportJob(poolId, jobId) : undefined;
  // An unknown job and a wrong token answer alike: the URL tells nothing without its token.
  if (!job || !bytesEqual(Buffer.from(token), Buffer.from(job.uploadToken))) {
    req.resume();
    s3Error(res, 403, 'AccessDenied', 'Access Denied');
    return;
  }
  if (deps.clock.now() > job.createdAt + UPLOAD_URL_LIFETIME_MS) {
    req.resume();
    s3Error(res, 403, 'AccessDenied', 'Request has expired');
    return;
  }
  const body = await readLimited(req, MAX_CSV_BYTES);
  if (body === undefined) {
    res.setHeader('connection', 'close');
    s3Error(res, 400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${MAX_CSV_BYTES} bytes.`);
    return;
  }
  let csv: string;
  try {
    csv = utf8.decode(body);
  } catch {
    s3Error(res, 400, 'InvalidArgument', 'The CSV file must be UTF-8.');
    return;
  }
  if (!(await deps.store.putImportCsv(job.poolId, job.jobId, csv))) {
    s3Error(res, 403, 'AccessDenied', 'The import job has already been started.');
    return;
  }
  const etag = `"${createHash('md5').update(body).digest('hex')}"`;
  res.writeHead(200, { ...CORS, etag, 'content-length': 0 });
  res.end();
}
