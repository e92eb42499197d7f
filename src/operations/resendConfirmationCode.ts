import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException, UserNotFoundException } from '../errors.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { sendCode } from '../auth/codes.js';
import { findUser } from './common.js';

export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const user = await findUser(deps, pool.id, input.Username, pool);
    if (!user) throw UserNotFoundException('Username/client id combination not found.');
    if (user.status !== 'UNCONFIRMED') throw InvalidParameterException('User is already confirmed.');
    const CodeDeliveryDetails = await sendCode(deps, pool, user, 'SIGN_UP');
    if (!CodeDeliveryDetails) throw InvalidParameterException('Auto verification not turned on.');
    return { CodeDeliveryDetails };
  };
