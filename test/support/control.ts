/**
 * Calls Cognate's test endpoints (/_cognate/clock, /_cognate/reset, /_cognate/outbox) as a test
 * suite in another language would: over HTTP, signed with SigV4 by the AWS SDK's own signer.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDCOGNATETEST', secretAccessKey: 'cognate-test-secret' };

export interface ControlAnswer {
  status: number;
  body: any;
}

/** A SigV4-signed request to `path` (with its query string) of the server at `base`. */
export async function control(
  base: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  credentials = TEST_CREDENTIALS,
): Promise<ControlAnswer> {
  const url = new URL(path, base);
  const text = body === undefined ? '' : JSON.stringify(body);
  const signer = new SignatureV4({
    service: 'cognito-idp',
    region: 'us-east-1',
    sha256: Sha256 as unknown as ConstructorParameters<typeof SignatureV4>[0]['sha256'],
    credentials,
  });
  const headers: Record<string, string> = { host: url.host };
  if (text) headers['content-type'] = 'application/json';
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: text || undefined,
  });
  const res = await fetch(url, { method, headers: signed.headers as Record<string, string>, body: text || undefined });
  const answer = await res.text();
  return { status: res.status, body: answer ? JSON.parse(answer) : undefined };
}
