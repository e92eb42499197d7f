import type { Deps, Handler } from '../deps.js';
import { withClientMetadata } from '../triggers/invoke.js';
import { loadClient } from '../auth/client.js';
import { initiateAuth } from '../auth/initiate.js';
import { loadPool } from './common.js';

export default (deps: Deps): Handler =>
  async (input, ctx) => {
    await loadPool(deps, input.UserPoolId);
    const { client, pool } = await loadClient(deps, input.ClientId, input.UserPoolId);
    return initiateAuth(deps, withClientMetadata(ctx, input), { pool, client, flow: input.AuthFlow, parameters: input.AuthParameters ?? {}, admin: true });
  };
