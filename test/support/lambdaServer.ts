import { createServer } from 'node:http';
import { after, before } from 'node:test';
import type { AddressInfo } from 'node:net';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Config } from '../../src/config.js';
import { sdk, startServer, type TestServer } from './server.js';

export type LambdaHandler = (event: any) => unknown | Promise<unknown>;

export interface LambdaServer {
  url: string;
  /** Every invocation received, in order: the function's name and the event it was given. */
  invocations: Array<{ functionName: string; qualifier?: string; event: any }>;
  /** Invocations of one function (e.g. 'PreSignUp'). */
  eventsOf(functionName: string): any[];
  stop(): Promise<void>;
}

/** A handler's reply in place of a JSON value: raw text (a malformed response), or a delay. */
export class RawReply {
  constructor(readonly body: string) {}
}

/** Resolves after `ms`: a handler that awaits it runs past a short trigger time-out. */
export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A small server answering the AWS Lambda Invoke API as Lambda (and `sam local start-lambda`) does
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): `POST
 * /2015-03-31/functions/<name>/invocations` runs `handlers[name]` with the JSON payload and answers 200
 * with its JSON result; a handler that throws answers 200 with `X-Amz-Function-Error: Unhandled` and
 * `{errorMessage, errorType}`; an unknown function answers 404 `ResourceNotFoundException`.
 * Cognate reaches it through the AWS SDK's Lambda client, as it would reach SAM or LocalStack.
 */
export async function startLambdaServer(handlers: Record<string, LambdaHandler>): Promise<LambdaServer> {
  const invocations: LambdaServer['invocations'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      const send = (status: number, body: string, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'local', ...headers });
        res.end(body);
      };
      if (req.method !== 'POST' || !match) {
        return send(404, JSON.stringify({ message: 'Not found' }), { 'x-amzn-errortype': 'ResourceNotFoundException' });
      }
      const functionName = decodeURIComponent(match[1]);
      const handler = handlers[functionName];
      if (!handler) {
        return send(404, JSON.stringify({ Type: 'User', message: `Function not found: ${functionName}` }), {
          'x-amzn-errortype': 'ResourceNotFoundException',
        });
      }
      let event: any;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, JSON.stringify({ message: 'Could not parse request body into json' }), { 'x-amzn-errortype': 'InvalidRequestContentException' });
      }
      const qualifier = url.searchParams.get('Qualifier') ?? undefined;
      invocations.push({ functionName, ...(qualifier ? { qualifier } : {}), event: structuredClone(event) });
      try {
        const result = await handler(event);
        send(200, result instanceof RawReply ? result.body : JSON.stringify(result ?? null), { 'x-amz-executed-version': '$LATEST' });
      } catch (err) {
        const e = err as Error;
        send(200, JSON.stringify({ errorMessage: e?.message ?? String(err), errorType: e?.name ?? 'Error' }), {
          'x-amz-function-error': 'Unhandled',
          'x-amz-executed-version': '$LATEST',
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    eventsOf: (name) => invocations.filter((i) => i.functionName === name).map((i) => i.event),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The ARN of a function of the test server, as a pool's LambdaConfig names it. */
export const lambdaArn = (name: string, region = 'us-east-1') => `arn:aws:lambda:${region}:123456789012:function:${name}`;

export interface TriggerHarness {
  lambda: LambdaServer;
  server: TestServer;
  client: CognitoIdentityProviderClient;
  /** What the function named `name` does from now on (by default: returns its event unchanged). */
  on(name: string, handler: LambdaHandler): void;
  /** The function named `name` does not exist: invoking it answers 404 ResourceNotFoundException. */
  remove(name: string): void;
  /** A pool with these triggers (each named after its function) and a client allowing the password flows. */
  pool(triggers: Record<string, unknown>, extra?: Record<string, unknown>): Promise<{ poolId: string; clientId: string }>;
}

/**
 * For a test file: a Lambda server whose functions do what the test says (`on`), and a Cognate
 * server invoking them, started before the tests and stopped after them.
 */
export function useTriggers(config: Partial<Config> = {}): TriggerHarness {
  const behaviour = new Map<string, LambdaHandler | null>();
  const harness = {
    on: (name: string, handler: LambdaHandler) => void behaviour.set(name, handler),
    remove: (name: string) => void behaviour.set(name, null),
  } as TriggerHarness;
  before(async () => {
    const handlers = new Proxy({} as Record<string, LambdaHandler>, {
      get: (_, name: string) => (behaviour.get(name) === null ? undefined : (event: any) => (behaviour.get(name) ?? ((e: any) => e))(event)),
    });
    harness.lambda = await startLambdaServer(handlers);
    harness.server = await startServer({ lambdaEndpoint: harness.lambda.url, ...config });
    harness.client = sdk(harness.server.url);
    harness.pool = async (triggers, extra = {}) => {
      const pool = await harness.client.send(new CreateUserPoolCommand({ PoolName: 'triggers', LambdaConfig: triggers, ...extra }));
      const poolId = pool.UserPool!.Id!;
      const app = await harness.client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      );
      return { poolId, clientId: app.UserPoolClient!.ClientId! };
    };
  });
  after(async () => {
    await harness.server?.stop();
    await harness.lambda?.stop();
  });
  return harness;
}
