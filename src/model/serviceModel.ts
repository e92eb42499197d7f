/**
 * The vendored AWS service model (botocore JSON, documentation stripped), loaded once at import.
 *
 * The URL resolves to <repo>/model/... from both src/model (tsx) and dist/model (compiled), so the
 * model file is never copied into the build output.
 */
import { readFileSync } from 'node:fs';

/** A reference from a structure member, list member or map key/value to a shape. */
export interface ShapeRef {
  shape: string;
  /** Member-level sensitivity (smithy puts @sensitive on the target shape, but references may carry it too). */
  sensitive?: boolean;
  box?: boolean;
  deprecated?: boolean;
  deprecatedMessage?: string;
}

export interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  sensitive?: boolean;
  exception?: boolean;
  /** Server fault (5xx) exception. */
  fault?: boolean;
  /** A smithy document: any JSON value. */
  document?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

export interface Operation {
  name: string;
  http?: { method: string; requestUri: string };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
  /** `none` for operations the caller does not sign (public client APIs). */
  authtype?: string;
  auth?: string[];
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    jsonVersion: string;
    protocol: string;
    serviceFullName: string;
    serviceId: string;
    signatureVersion: string;
    targetPrefix: string;
    uid: string;
    [key: string]: unknown;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

const MODEL_URL = new URL('../../model/cognito-idp-2016-04-18.json', import.meta.url);

export const serviceModel: ServiceModel = JSON.parse(readFileSync(MODEL_URL, 'utf8')) as ServiceModel;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const OPERATION_NAMES: readonly string[] = Object.freeze(Object.keys(serviceModel.operations));

/** All operation names in the model (e.g. `AdminCreateUser`), in model order. */
export function operationNames(): string[] {
  return [...OPERATION_NAMES];
}

/** The operation named exactly `name` (case-sensitive, as in `X-Amz-Target`), or undefined. */
export function getOperation(name: string): Operation | undefined {
  return hasOwn(serviceModel.operations, name) ? serviceModel.operations[name] : undefined;
}

/**
 * True for operations that AWS serves without SigV4 (the model marks them `authtype: none` and
 * `auth: ['smithy.api#noAuth']`): InitiateAuth, SignUp, GetUser, ... They authenticate with a
 * client id, session or access token inside the body instead.
 */
export function isUnsignedOperation(name: string): boolean {
  const op = getOperation(name);
  if (!op) return false;
  return op.authtype === 'none' || (op.auth?.includes('smithy.api#noAuth') ?? false);
}

/** The shape named `name`, or undefined. */
export function getShape(name: string): Shape | undefined {
  return hasOwn(serviceModel.shapes, name) ? serviceModel.shapes[name] : undefined;
}

/**
 * HTTP status for an exception shape: `error.httpStatusCode` when the model states it, otherwise 500
 * for server faults (`fault: true`, i.e. InternalErrorException) and 400 for everything else.
 */
export function errorStatus(shapeName: string): number {
  const shape = getShape(shapeName);
  if (!shape) return 400;
  if (typeof shape.error?.httpStatusCode === 'number') return shape.error.httpStatusCode;
  return shape.fault ? 500 : 400;
}
