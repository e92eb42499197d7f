/**
 * The route table of a user pool domain: `<METHOD> <path under the domain>` to its handler. One
 * line per route; the managed login pages (src/managedLogin/) add theirs here.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html
 */
import { oauthEndpoint, type Route } from './endpoint.js';
import { revokeEndpoint } from './revoke.js';
import { tokenEndpoint } from './token.js';
import { userInfoEndpoint } from './userInfo.js';
import { LOGIN_ROUTES } from '../managedLogin/routes.js';

export const ROUTES: Record<string, Route> = {
  'POST /oauth2/token': tokenEndpoint,
  'GET /oauth2/userInfo': oauthEndpoint(userInfoEndpoint),
  'POST /oauth2/userInfo': oauthEndpoint(userInfoEndpoint),
  'POST /oauth2/revoke': revokeEndpoint,
  ...LOGIN_ROUTES,
};
