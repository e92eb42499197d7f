/**
 * A small raw HTTP client for the Cognito JSON 1.1 protocol: node:http with a keep-alive agent,
 * no SDK. Used for setup (users, tokens, TOTP secrets); the timed two-request sign-in loops use
 * the leaner rawHttp.ts.
 */
import { Agent, request } from 'node:http';

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/**
 * Admin operations must carry a well-formed SigV4 Authorization header (Cognate checks its shape,
 * not its signature: docs/security.md).
 */
export const ADMIN_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=AKIDCOGNATEBENCH/20260101/us-east-1/cognito-idp/aws4_request, ' +
  `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`;

export interface CallResult {
  status: number;
  body: any;
  ms: number;
}

export class CognitoHttp {
  readonly agent: Agent;
  readonly host: string;
  readonly port: number;

  constructor(baseUrl: string, maxSockets = 32) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** One operation; resolves with the status and parsed body (errors are results, not throws). */
  call(operation: string, input: unknown, admin = false): Promise<CallResult> {
    const body = Buffer.from(JSON.stringify(input));
    const headers: Record<string, string | number> = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': TARGET_PREFIX + operation,
      'content-length': body.length,
    };
    if (admin) headers.authorization = ADMIN_AUTHORIZATION;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.host, port: this.port, method: 'POST', path: '/', headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: any = text;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              /* keep the text */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - started });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Like call, but throws unless the answer is 200. */
  async ok(operation: string, input: unknown, admin = false): Promise<any> {
    const r = await this.call(operation, input, admin);
    if (r.status !== 200) {
      throw new Error(`${operation} answered ${r.status}: ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`);
    }
    return r.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs fn over items with at most `concurrency` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
