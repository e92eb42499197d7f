import type { Deps, Handler } from '../deps.js';
import { UnauthorizedException, UnsupportedOperationException, UnsupportedTokenTypeException } from '../errors.js';
import { clientSecret } from '../auth/client.js';
import { bytesEqual } from '../crypto/constantTime.js';
import { sha256Hex } from '../tokens/issue.js';

/**
 * RevokeToken: revokes a refresh token and every access and ID token issued from the same sign-in
 * (they share its origin_jti). Like RFC 7009, a token the server does not know is a success.
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer'>): Handler =>
  async (input) => {
    const client = await deps.store.getClient(input.ClientId);
    if (!client) throw UnauthorizedException('Client authentication failed.');
    const secret = clientSecret(deps, client);
    if (secret && !bytesEqual(Buffer.from(secret), Buffer.from(input.ClientSecret ?? ''))) throw UnauthorizedException('Client authentication failed.');
    if (client.settings.EnableTokenRevocation === false) {
      throw UnsupportedOperationException('Token revocation is not enabled for this app client.');
    }
    if (input.Token.split('.').length === 3) throw UnsupportedTokenTypeException('Only refresh tokens can be revoked.');
    const signIn = await deps.store.getSignInByRefreshHash(sha256Hex(input.Token));
    if (!signIn) return {};
    if (signIn.clientId !== client.id) throw UnauthorizedException('The refresh token was not issued to this client.');
    await deps.store.revokeSignIn(signIn.originJti, deps.clock.now());
    return {};
  };
