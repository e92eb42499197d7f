/**
 * The reference: a bare node:http server, run as its own process (`node --import tsx
 * bench/reference.ts`) so it has its own event loop, exactly like the real server. It does the
 * minimum any JSON-over-HTTP server must do: read the POST body, parse it, and answer a small
 * JSON body with the same header set Cognate sends (CORS, content type, request id, length).
 * Its throughput is the ceiling of Node's HTTP stack on this machine, with this load generator.
 * Prints `Reference listening on URL`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// Cognate's CORS headers, so both servers answer with the same header set.
import { CORS } from '../src/server/cors.js';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let input: unknown = {};
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      input = text ? JSON.parse(text) : {};
    } catch {
      /* answered the same way */
    }
    const body = JSON.stringify({
      Username: 'reference',
      UserAttributes: [{ Name: 'sub', Value: '00000000-0000-4000-8000-000000000000' }],
      Echo: typeof input === 'object' && input !== null ? Object.keys(input).length : 0,
    });
    res.writeHead(200, {
      ...CORS,
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`Reference listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 1000).unref();
});
