import type { Deps, Handler } from '../deps.js';
import { selfUserView } from '../domain/views.js';
import { authenticateAccessToken } from '../tokens/verify.js';

export default (deps: Pick<Deps, 'store' | 'keys' | 'clock'>): Handler =>
  async (input) => selfUserView((await authenticateAccessToken(deps, input.AccessToken)).user);
