import type { Deps, Handler } from '../deps.js';
import { withClientMetadata } from '../triggers/invoke.js';
import { loadClient } from '../auth/client.js';
import { refreshTokens } from '../auth/refresh.js';

export default (deps: Deps): Handler =>
  async (input, ctx) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    const AuthenticationResult = await refreshTokens(deps, withClientMetadata(ctx, input), {
      pool,
      client,
      refreshToken: input.RefreshToken,
      clientSecretGiven: input.ClientSecret,
    });
    return { AuthenticationResult };
  };
