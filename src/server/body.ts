import type { IncomingMessage } from 'node:http';

/** A client that went away before its request was read: nothing to answer, nothing to log as an error. */
export class ClientGone extends Error {}

/** Reads the body up to the limit; undefined when it is larger. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
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
    req.on('error', () => reject(new ClientGone('client went away')));
    req.on('close', () => {
      if (!req.complete) reject(new ClientGone('client went away'));
    });
  });
}
