import { CognitoError } from '../errors.js';

/** The one place that shapes AWS JSON 1.1 responses. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function resultResponse(requestId: string, output: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(output ?? {}),
  };
}

/**
 * Error body `{"__type","message"}` plus the `x-amzn-ErrorType` header, which SDKs read first
 * (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization).
 */
export function errorResponse(requestId: string, error: CognitoError): WireResponse {
  return {
    status: error.status,
    headers: {
      'content-type': CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.type,
    },
    body: JSON.stringify({ __type: error.type, message: error.message }),
  };
}
