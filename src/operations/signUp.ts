import type { Deps, Handler } from '../deps.js';
import { InvalidParameterException, UsernameExistsException } from '../errors.js';
import { checkSecretHash, loadClient } from '../auth/client.js';
import { prepareCode } from '../auth/codes.js';
import { checkPasswordPolicy, passwordFields } from '../auth/password.js';
import { checkAttributeWrite } from '../users/attributes.js';
import { findUser, newUser } from './common.js';
import { existsMessage, nameNewUser } from '../users/usernames.js';
import { applyPreSignUp } from '../triggers/preSignUp.js';

/** SignUp: a self-registered user starts UNCONFIRMED until ConfirmSignUp or AdminConfirmSignUp. */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const { client, pool } = await loadClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.Username, input.SecretHash);
    const attributes = checkAttributeWrite(pool, { by: 'user', at: 'create', client }, input.UserAttributes ?? []);
    // Password is optional in the model for pools with passwordless sign-in (Essentials plan),
    // which Cognate does not offer: a sign-up without one is refused (docs/behaviour.md).
    if (input.Password === undefined) throw InvalidParameterException('A password is required to sign up in this user pool.');
    checkPasswordPolicy(pool, input.Password);
    const holder = async (key: { name: string; value: string }) => (await deps.store.getUserByKey(pool.id, key.name, key.value)) !== undefined;
    let named = await nameNewUser(pool, input.Username, attributes, { holder });
    const exists = () => UsernameExistsException(existsMessage(pool, named));
    if (await findUser(deps, pool.id, input.Username, pool)) throw exists();
    // The pre sign-up trigger runs before anything is written: a refusal leaves no user.
    const decided = await applyPreSignUp(deps, pool, 'PreSignUp_SignUp', named, input.ClientId, input.ValidationData, input.ClientMetadata);
    const confirmed = decided?.autoConfirmUser === true;
    if (decided?.attributes) named = await nameNewUser(pool, input.Username, decided.attributes, { holder, sub: named.sub });
    const sub = named.sub;
    const user = {
      ...newUser(pool.id, named.username, sub, named.attributes, confirmed ? 'CONFIRMED' : 'UNCONFIRMED', deps.clock.now()),
      ...(await passwordFields(deps, pool.id, named.username, input.Password)),
    };
    // The code's message is composed (the custom message trigger) before the user is written.
    const code = confirmed ? undefined : await prepareCode(deps, pool, user, 'SIGN_UP', { clientId: client.id, clientMetadata: input.ClientMetadata });
    if (!(await deps.store.createUser(user, named.keys))) throw exists();
    await code?.commit();
    const CodeDeliveryDetails = code?.delivery;
    return { UserConfirmed: confirmed, ...(CodeDeliveryDetails ? { CodeDeliveryDetails } : {}), UserSub: sub };
  };
