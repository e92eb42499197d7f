/**
 * The managed login's routes in a user pool domain's route table (src/oauth/routes.ts): each turns
 * the domain request into a LoginRequest (cookies, and the form of a post) and writes the Answer.
 */
import { OAuthError, readForm, type DomainRequest, type Route } from '../oauth/endpoint.js';
import { ClientGone } from '../server/body.js';
import { readCookies } from './cookies.js';
import {
  authorize, confirmForgotPasswordPost, confirmSignUpPost, forgotPasswordPage, forgotPasswordPost, loginPage, loginPost, logout,
  signUpGet, signUpPost, stylesheet, type Answer, type LoginRequest,
} from './pages.js';
import { renderMessage } from './html.js';

function write(request: DomainRequest, answer: Answer): void {
  request.res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  request.res.end(answer.body);
}

const ERROR_PAGE_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" };

/**
 * A page's answer; an unexpected error is logged and answered with an error page (status 500),
 * never with the API's AWS-shaped InternalErrorException.
 */
async function answer(request: DomainRequest, make: () => Promise<Answer> | Answer): Promise<void> {
  let result: Answer;
  try {
    result = await make();
  } catch (err) {
    if (err instanceof ClientGone) throw err;
    request.deps.log.error({ err, path: request.path }, 'unexpected error on a managed login page');
    const body = renderMessage(undefined, 'Something went wrong', 'The request could not be completed. Please try again.');
    result = { status: 500, headers: ERROR_PAGE_HEADERS, body };
  }
  write(request, result);
}

const get = (page: (r: LoginRequest) => Promise<Answer> | Answer): Route => async (request) => {
  await answer(request, () => page(loginRequest(request)));
};

/** A post's form: a body that is not a small urlencoded form (or repeats a field) is refused on a page. */
const post = (page: (r: LoginRequest) => Promise<Answer>): Route => async (request) => {
  let form: Map<string, string>;
  try {
    form = await readForm(request.req);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    const body = renderMessage(undefined, 'Invalid request', err.description ?? 'The form could not be read.');
    write(request, { status: 400, headers: ERROR_PAGE_HEADERS, body });
    return;
  }
  await answer(request, () => page({ ...loginRequest(request), form }));
};

function loginRequest(request: DomainRequest): LoginRequest {
  return {
    deps: request.deps,
    pool: request.pool,
    domainUrl: request.domainUrl,
    baseUrl: request.baseUrl,
    query: request.query,
    cookies: readCookies(request.req),
  };
}

export const LOGIN_ROUTES: Record<string, Route> = {
  'GET /oauth2/authorize': get(authorize),
  'GET /login': get(loginPage),
  'POST /login': post(loginPost),
  'GET /forgotPassword': get(forgotPasswordPage),
  'POST /forgotPassword': post(forgotPasswordPost),
  'POST /confirmForgotPassword': post(confirmForgotPasswordPost),
  'GET /signup': get(signUpGet),
  'POST /signup': post(signUpPost),
  'POST /confirm': post(confirmSignUpPost),
  'GET /logout': get(logout),
  'GET /static/login.css': get(stylesheet),
};
