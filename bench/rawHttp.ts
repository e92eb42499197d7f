/**
 * A minimal keep-alive HTTP/1.1 client for the JSON 1.1 protocol, for the two-request sign-in
 * loops: each connection is a net.Socket carrying one request at a time, written with a single
 * write and read back by content-length. It does about a third of node:http's client work per
 * request (no ClientRequest/IncomingMessage streams, no llhttp), which matters when the load
 * generator shares the machine's cores with the server: in the SRP sign-in bench, node:http's
 * client cost ~650 us of CPU per sign-in on this process's event loop.
 *
 * It expects what Cognate (and any Node server) sends: a status line, headers with a
 * content-length, and the body; anything else fails the call.
 */
import { connect, type Socket } from 'node:net';
import { TARGET_PREFIX } from './http.js';

export interface RawResult {
  status: number;
  /** The response body, as text. */
  text: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

class Connection {
  private socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve(r: RawResult): void; reject(e: Error): void } | undefined;
  private closed: Error | undefined;

  constructor(host: string, port: number) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.parse();
    });
    const fail = (err: Error) => {
      this.closed = err;
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(err);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  private parse(): void {
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) {
      this.socket.destroy(new Error(`response without content-length: ${head.split('\r\n')[0]}`));
      return;
    }
    const bodyStart = headerEnd + HEADER_END.length;
    const bodyEnd = bodyStart + Number(length[1]);
    if (this.buffered.length < bodyEnd) return;
    const status = Number(head.slice(9, 12));
    const text = this.buffered.toString('utf8', bodyStart, bodyEnd);
    this.buffered = this.buffered.subarray(bodyEnd);
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve({ status, text });
  }

  request(bytes: Buffer): Promise<RawResult> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  get usable(): boolean {
    return !this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

export class RawJsonClient {
  private readonly host: string;
  private readonly port: number;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  /** POSTs one operation on an idle connection (a new one if none is idle). */
  call(operation: string, input: unknown): Promise<RawResult> {
    return this.send(operation, JSON.stringify(input));
  }

  /** POSTs a body already serialised (the benches make them before the timed phase). */
  async send(operation: string, json: string): Promise<RawResult> {
    const body = Buffer.from(json);
    const head =
      `POST / HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-type: application/x-amz-json-1.1\r\n` +
      `x-amz-target: ${TARGET_PREFIX}${operation}\r\ncontent-length: ${body.length}\r\n\r\n`;
    const bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
    let connection = this.idle.pop();
    while (connection && !connection.usable) connection = this.idle.pop();
    if (!connection) {
      connection = new Connection(this.host, this.port);
      this.all.add(connection);
    }
    const result = await connection.request(bytes);
    this.idle.push(connection);
    return result;
  }

  close(): void {
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
  }
}
