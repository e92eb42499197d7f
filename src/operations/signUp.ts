import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException, UsernameExistsException } from '../errors.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { sendCode } from '../auth/codes.js';
import { checkPasswordPolicy, passwordFields } from '../auth/password.js';
import { checkAttributeWrite, checkRequiredAttributes } from '../users/attributes.js';
import { findUser, newUser } from './common.js';
import { existsMessage, nameNewUser } from '../users/usernames.js';

/** SignUp: a self-registered user starts UNCONFIRMED until ConfirmSignUp or AdminConfirmSignUp. */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const attributes = checkAttributeWrite(pool, { by: 'user', at: 'create', client }, input.UserAttributes ?? []);
    // Password is optional in the model for pools with passwordless sign-in (Essentials plan),
    // which Cognate does not offer: a sign-up without one is refused (docs/behaviour.md).
    if (input.Password === undefined) throw InvalidParameterException('A password is required to sign up in this user pool.');
    checkPasswordPolicy(pool, input.Password);
    const named = await nameNewUser(pool, input.Username, attributes, {
      holder: async (key) => (await deps.store.getUserByKey(pool.id, key.name, key.value)) !== undefined,
    });
    checkRequiredAttributes(pool, named.attributes);
    const exists = () => UsernameExistsException(existsMessage(pool, named));
    if (await findUser(deps, pool.id, input.Username, pool)) throw exists();
    const sub = named.sub;
    const user = {
      ...newUser(pool.id, named.username, sub, named.attributes, 'UNCONFIRMED', deps.clock.now()),
      ...(await passwordFields(deps, pool.id, named.username, input.Password)),
    };
    if (!(await deps.store.createUser(user, named.keys))) throw exists();
    const CodeDeliveryDetails = await sendCode(deps, pool, user, 'SIGN_UP');
    return { UserConfirmed: false, ...(CodeDeliveryDetails ? { CodeDeliveryDetails } : {}), UserSub: sub };
  };
