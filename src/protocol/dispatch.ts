import { randomUUID } from 'node:crypto';
import type { Deps, Handler, RequestContext } from '../deps.js';
import {
  CognitoError,
  SerializationException,
  UnknownOperationException,
  UnsupportedOperationException,
  internalError,
} from '../errors.js';
import { getOperation, isUnsignedOperation } from '../model/serviceModel.js';
import { validateInput } from '../model/validate.js';
import { authenticateRequest, type SignedRequest } from './sigv4.js';
import { errorResponse, resultResponse, type WireResponse } from './awsJson.js';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export interface RpcRequest {
  target: string | undefined;
  body: string;
  baseUrl: string;
  /** The client's address (a device's `last_ip_used`). */
  sourceIp?: string;
  /** The request as it arrived, with its Authorization header: what a SigV4 signature covers. */
  raw: SignedRequest;
}

/**
 * AWS JSON 1.1 dispatch: target -> JSON -> signature -> model validation -> operation.
 * Every failure becomes an AWS-shaped error; nothing unexpected escapes as a stack trace.
 */
export function createDispatcher(deps: Pick<Deps, 'log' | 'config' | 'clock'>, handlers: ReadonlyMap<string, Handler>) {
  return async function dispatch(request: RpcRequest): Promise<WireResponse> {
    const requestId = randomUUID();
    let operation = '';
    try {
      operation = operationName(request.target);
      const input = parseBody(request.body);
      if (!isUnsignedOperation(operation)) authenticateRequest(deps, request.raw);
      // From here on the input holds the model's members only, with nulls removed.
      const clean = validateInput(operation, input);
      const handler = handlers.get(operation);
      if (!handler) throw UnsupportedOperationException(`Cognate does not implement ${operation}.`);
      const ctx: RequestContext = { requestId, baseUrl: request.baseUrl, sourceIp: request.sourceIp };
      const output = await handler(clean, ctx);
      deps.log.debug({ requestId, operation }, 'ok');
      return resultResponse(requestId, output);
    } catch (err) {
      if (err instanceof CognitoError) {
        // The type only: messages may quote input, and input is never logged.
        deps.log.debug({ requestId, operation, error: err.type }, 'refused');
        return errorResponse(requestId, err);
      }
      deps.log.error({ err, operation, requestId }, 'unexpected error');
      return errorResponse(requestId, internalError());
    }
  };
}

function operationName(target: string | undefined): string {
  if (!target) throw UnknownOperationException('Missing X-Amz-Target header.');
  if (!target.startsWith(TARGET_PREFIX) || !getOperation(target.slice(TARGET_PREFIX.length))) {
    throw UnknownOperationException(`Unknown operation ${target.slice(0, 200)}`);
  }
  return target.slice(TARGET_PREFIX.length);
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw SerializationException('The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw SerializationException('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
