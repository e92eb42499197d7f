import type { Deps, Handler } from '../deps.js';
import { UnauthorizedException } from '../errors.js';
import { clientSecret } from '../auth/client.js';
import { revokeRefreshToken } from '../auth/revocation.js';
import { bytesEqual } from '../crypto/constantTime.js';

/**
 * RevokeToken: revokes a refresh token and every access and ID token issued from the same sign-in
 * (src/auth/revocation.ts). Like RFC 7009, a token the server does not know is a success.
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer'>): Handler =>
  async (input) => {
    const client = await deps.store.getClient(input.ClientId);
    if (!client) throw UnauthorizedException('Client authentication failed.');
    const secret = clientSecret(deps, client);
    if (secret && !bytesEqual(Buffer.from(secret), Buffer.from(input.ClientSecret ?? ''))) throw UnauthorizedException('Client authentication failed.');
    await revokeRefreshToken(deps, client, input.Token);
    return {};
  };
