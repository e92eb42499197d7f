/**
 * Errors are data with a stable name: the `name` is the `__type` the wire carries and the
 * exception shape name in the service model. One function (protocol/awsJson.ts) writes every error.
 *
 * Status codes follow the model: 400 for every client fault, 500 only for InternalErrorException
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html).
 */
export class CognitoError extends Error {
  /** `__type` on the wire and `x-amzn-ErrorType` header value. */
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.name = type;
    this.status = status;
  }
}

const make = (type: string) => (message: string) => new CognitoError(type, message);

// The exceptions Cognate raises, named as in the service model.
export const InvalidParameterException = make('InvalidParameterException');
export const NotAuthorizedException = make('NotAuthorizedException');
export const ResourceNotFoundException = make('ResourceNotFoundException');
export const UserNotFoundException = make('UserNotFoundException');
export const UsernameExistsException = make('UsernameExistsException');
export const GroupExistsException = make('GroupExistsException');
export const UserNotConfirmedException = make('UserNotConfirmedException');
export const InvalidPasswordException = make('InvalidPasswordException');
export const CodeMismatchException = make('CodeMismatchException');
export const ExpiredCodeException = make('ExpiredCodeException');
export const EnableSoftwareTokenMFAException = make('EnableSoftwareTokenMFAException');
export const SoftwareTokenMFANotFoundException = make('SoftwareTokenMFANotFoundException');
export const TooManyRequestsException = make('TooManyRequestsException');
export const PasswordResetRequiredException = make('PasswordResetRequiredException');
export const InvalidUserPoolConfigurationException = make('InvalidUserPoolConfigurationException');
export const LimitExceededException = make('LimitExceededException');
export const ConcurrentModificationException = make('ConcurrentModificationException');
export const AliasExistsException = make('AliasExistsException');
export const UnsupportedTokenTypeException = make('UnsupportedTokenTypeException');
export const UnsupportedOperationException = make('UnsupportedOperationException');
export const UnsupportedUserStateException = make('UnsupportedUserStateException');
export const UnauthorizedException = make('UnauthorizedException');
export const TooManyFailedAttemptsException = make('TooManyFailedAttemptsException');
export const PreconditionNotMetException = make('PreconditionNotMetException');
export const DeviceKeyExistsException = make('DeviceKeyExistsException');
export const InvalidOAuthFlowException = make('InvalidOAuthFlowException');
export const ScopeDoesNotExistException = make('ScopeDoesNotExistException');
/** Protocol-level faults that AWS JSON services answer before reaching the operation. */
export const SerializationException = make('SerializationException');
export const UnknownOperationException = make('UnknownOperationException');
export const MissingAuthenticationTokenException = make('MissingAuthenticationTokenException');
export const IncompleteSignatureException = make('IncompleteSignatureException');
export const UnrecognizedClientException = make('UnrecognizedClientException');
export const InvalidSignatureException = make('InvalidSignatureException');

/** An unexpected failure: logged in full, answered with a generic message that carries no internals. */
export const internalError = () =>
  new CognitoError('InternalErrorException', 'An internal error occurred.', 500);
