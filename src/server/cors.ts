/**
 * CORS headers. Browser SDKs (Amplify, amazon-cognito-identity-js) call the unsigned user
 * operations with fetch, so their preflight must pass and their answers must be readable. Signed
 * operations and the outbox get no CORS headers unless the operator opts in (`--cors-admin`):
 * without configured credentials any well-formed Authorization header is accepted, so a web page
 * open in a developer's browser could otherwise create users and read codes from 127.0.0.1
 * (docs/security.md). A module of its own so the bench's reference server can send the same
 * headers without loading the app.
 * https://fetch.spec.whatwg.org/#http-cors-protocol
 */
const USER_HEADERS =
  'content-type, x-amz-target, x-amz-user-agent, x-amz-date, x-amz-content-sha256, cache-control, amz-sdk-invocation-id, amz-sdk-request';

/** The headers of a response a page may read: unsigned user operations, discovery, health. */
export const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  // `authorization` is left out: `*` never covers it, so a cross-origin request carrying a
  // signature (a signed operation) fails its preflight and is never sent.
  'access-control-allow-headers': USER_HEADERS,
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage, date',
  'access-control-max-age': '86400',
};

/** With `--cors-admin`: preflights approve signed requests too, and every answer is readable. */
export const CORS_ADMIN: Record<string, string> = {
  ...CORS,
  'access-control-allow-headers': `${USER_HEADERS}, authorization, x-amz-security-token`,
};
