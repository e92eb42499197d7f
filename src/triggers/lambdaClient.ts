import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@aws-sdk/types';

/**
 * How Cognate calls a trigger's function: the AWS Lambda `Invoke` API (RequestResponse) through the
 * AWS SDK's own Lambda client, so that anything answering that API works: `sam local start-lambda`,
 * serverless-offline, LocalStack, or Lambda itself (docs/triggers.md).
 *
 * The endpoint follows the AWS SDK conventions: `cognate serve --lambda-endpoint`, else
 * AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
export interface LambdaInvoker {
  /** The endpoint invocations go to, for messages. */
  readonly endpoint: string;
  invoke(request: LambdaRequest): Promise<LambdaOutcome>;
}

export interface LambdaRequest {
  functionName: string;
  qualifier?: string;
  /** The region the client signs for (the SDK's configured region, else the pool's). */
  region: string;
  payload: string;
  timeoutMs: number;
}

export type LambdaOutcome =
  /** The function returned: its payload as text. */
  | { kind: 'returned'; payload: string }
  /** The function threw (X-Amz-Function-Error): Lambda's {errorMessage, errorType}. */
  | { kind: 'functionError'; errorMessage: string; errorType?: string }
  /** The invocation itself failed: time-out, no such function, connection refused ... */
  | { kind: 'invocationFailed'; reason: string };

/** The Lambda endpoint the configuration or the environment names, or undefined. */
export function lambdaEndpoint(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return configured || env.AWS_ENDPOINT_URL_LAMBDA || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * Local Lambda endpoints accept any credentials; when the SDK's own chain (environment, profile,
 * SSO ...) finds none, Cognate signs with placeholder ones instead of failing every invocation.
 */
const PLACEHOLDER: AwsCredentialIdentity = { accessKeyId: 'cognate', secretAccessKey: 'cognate' };

/** A Lambda invoker at `endpoint`; one SDK client per region, made on first use. */
export function createLambdaInvoker(endpoint: string, env: NodeJS.ProcessEnv = process.env): LambdaInvoker {
  const clients = new Map<string, LambdaClient>();
  const clientFor = (region: string): LambdaClient => {
    let client = clients.get(region);
    if (!client) {
      const chain = new LambdaClient({ region, endpoint }).config.credentials;
      // Once the chain has found nothing it is not asked again (its last providers may wait on the
      // network, e.g. the EC2 instance metadata service), and the placeholders are used from then on.
      let found = true;
      client = new LambdaClient({
        region,
        endpoint,
        maxAttempts: 1,
        credentials: async () => {
          if (!found) return PLACEHOLDER;
          try {
            return await chain();
          } catch {
            found = false;
            return PLACEHOLDER;
          }
        },
      });
      clients.set(region, client);
    }
    return client;
  };
  return {
    endpoint,
    async invoke(request) {
      const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || request.region;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), request.timeoutMs);
      try {
        const result = await clientFor(region).send(
          new InvokeCommand({
            FunctionName: request.functionName,
            ...(request.qualifier ? { Qualifier: request.qualifier } : {}),
            InvocationType: 'RequestResponse',
            Payload: Buffer.from(request.payload),
          }),
          { abortSignal: abort.signal },
        );
        const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
        if (result.FunctionError) {
          let body: any;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          const errorMessage = typeof body?.errorMessage === 'string' ? body.errorMessage : text || result.FunctionError;
          return { kind: 'functionError', errorMessage, ...(typeof body?.errorType === 'string' ? { errorType: body.errorType } : {}) };
        }
        return { kind: 'returned', payload: text };
      } catch (err) {
        if (abort.signal.aborted) return { kind: 'invocationFailed', reason: 'Socket timeout while invoking Lambda function' };
        const e = err as { name?: string; message?: string };
        return { kind: 'invocationFailed', reason: `${e.name ?? 'Error'}: ${e.message ?? String(err)}` };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Function name and qualifier (version or alias) from a Lambda ARN; anything else is passed as given. */
export function functionFromArn(arn: string): { functionName: string; qualifier?: string; region?: string } {
  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
  const parts = arn.split(':');
  if (parts.length >= 7 && parts[0] === 'arn' && parts[2] === 'lambda' && parts[5] === 'function') {
    return { functionName: parts[6], ...(parts[7] ? { qualifier: parts[7] } : {}), ...(parts[3] ? { region: parts[3] } : {}) };
  }
  return { functionName: arn };
}
