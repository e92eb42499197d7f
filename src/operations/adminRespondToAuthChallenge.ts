import type { Deps, Handler } from '../deps.js';
import { withClientMetadata } from '../triggers/invoke.js';
import { loadClient } from '../auth/client.js';
import { respondToChallenge } from '../auth/respond.js';
import { loadPool } from './common.js';

export default (deps: Deps): Handler =>
  async (input, ctx) => {
    await loadPool(deps, input.UserPoolId);
    const { client, pool } = await loadClient(deps, input.ClientId, input.UserPoolId);
    return respondToChallenge(deps, withClientMetadata(ctx, input), {
      pool,
      client,
      challengeName: input.ChallengeName,
      responses: input.ChallengeResponses ?? {},
      session: input.Session,
    });
  };
