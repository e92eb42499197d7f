import { IncompleteSignatureException, MissingAuthenticationTokenException } from '../errors.js';

/**
 * Admin operations arrive SigV4-signed. This checks that the Authorization header is a
 * well-formed AWS4-HMAC-SHA256 signature for the cognito-idp service; it does not yet check
 * the signature against configured credentials (README.md and docs/behaviour.md say so).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
const AUTH = /^AWS4-HMAC-SHA256 (.+)$/;

export function checkSignatureShape(authorization: string | undefined): { accessKeyId: string } {
  if (!authorization) throw MissingAuthenticationTokenException('Missing Authentication Token');
  const match = AUTH.exec(authorization.trim());
  if (!match) {
    throw IncompleteSignatureException(
      'Authorization header requires the AWS4-HMAC-SHA256 algorithm with Credential, SignedHeaders and Signature.',
    );
  }
  const parts = new Map<string, string>();
  for (const piece of match[1].split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  for (const [name, value] of [['Credential', credential], ['SignedHeaders', signedHeaders], ['Signature', signature]]) {
    if (!value) throw IncompleteSignatureException(`Authorization header requires '${name}' parameter.`);
  }
  // Credential=AKID/yyyymmdd/region/service/aws4_request
  const scope = credential!.split('/');
  if (scope.length !== 5 || !/^\d{8}$/.test(scope[1]) || scope[4] !== 'aws4_request' || !scope[0]) {
    throw IncompleteSignatureException('Credential should be scoped to a valid region, service and date.');
  }
  if (scope[3] !== 'cognito-idp') {
    throw IncompleteSignatureException(`Credential should be scoped to correct service: 'cognito-idp'.`);
  }
  if (!/^[0-9a-f]{64}$/.test(signature!)) {
    throw IncompleteSignatureException('Signature must be 64 lowercase hexadecimal characters.');
  }
  return { accessKeyId: scope[0] };
}
