import { randomInt, randomUUID } from 'node:crypto';
import type { PoolRecord, UserAttribute, UserRecord } from '../store/store.js';
import { existsMessage, nameNewUser, takeUserKey } from '../users/usernames.js';
import type { Deps, Handler } from '../deps.js';
import { UnsupportedUserStateException, UserNotFoundException, UsernameExistsException } from '../errors.js';
import { checkPasswordPolicy, passwordFields } from '../auth/password.js';
import { userView } from '../domain/views.js';
import { checkAttributeWrite } from '../users/attributes.js';
import { findUser, loadPool, newUser } from './common.js';
import { applyPreSignUp } from '../triggers/preSignUp.js';
import { CODE_PARAMETER, USERNAME_PARAMETER, customMessage } from '../triggers/customMessage.js';

/**
 * AdminCreateUser: the user must change the temporary password at first sign-in
 * (FORCE_CHANGE_PASSWORD, answered through NEW_PASSWORD_REQUIRED). Invitations are not sent;
 * a generated temporary password is written to the outbox (docs/outbox.md).
 */
export default (deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log' | 'lambda' | 'config'>): Handler =>
  async (input) => {
    const pool = await loadPool(deps, input.UserPoolId);
    const attributes = checkAttributeWrite(pool, { by: 'admin', at: 'create' }, input.UserAttributes ?? []);
    const now = deps.clock.now();
    const existing = await findUser(deps, pool.id, input.Username, pool);
    if (input.MessageAction !== 'RESEND') return create(deps, pool, input, attributes, existing !== undefined, now);
    if (!existing) throw UserNotFoundException('User does not exist.');
    if (existing.status !== 'FORCE_CHANGE_PASSWORD') throw UnsupportedUserStateException('Resend not possible. User has already changed the temporary password.');
    return resend(deps, pool, input, existing, now);
  };

/**
 * MessageAction RESEND: "resend the invitation message to a user that already exists, and to reset
 * the temporary-password duration with a new temporary password" (AdminCreateUser API reference).
 * The given TemporaryPassword or a generated one replaces the old, whose validity starts again; the
 * invitation goes to the outbox as at creation. Attributes in the request are not applied (choice,
 * docs/behaviour.md).
 */
async function resend(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log' | 'lambda' | 'config'>,
  pool: PoolRecord,
  input: Record<string, any>,
  existing: UserRecord,
  now: number,
) {
  const temporary = input.TemporaryPassword ?? generatePassword();
  checkPasswordPolicy(pool, temporary);
  const user: UserRecord = { ...existing, ...(await passwordFields(deps, pool.id, existing.username, temporary)), modifiedAt: now };
  const invitation = await composeInvitation(deps, pool, user, temporary, input);
  const { passwordSalt, passwordVerifierSealed } = user;
  if (!(await deps.store.updateUser(pool.id, user.username, { passwordSalt, passwordVerifierSealed, modifiedAt: now }))) {
    throw UserNotFoundException('User does not exist.');
  }
  await sendInvitation(deps, user, invitation, now);
  return { User: userView(user) };
}

/** The invitation's text, through the CustomMessage trigger; composed before anything is written. */
function composeInvitation(deps: Pick<Deps, 'log' | 'lambda' | 'config'>, pool: PoolRecord, user: UserRecord, temporary: string, input: Record<string, any>) {
  return customMessage(deps, pool, {
    source: 'CustomMessage_AdminCreateUser',
    user,
    channel: 'email',
    message: `Your username is ${USERNAME_PARAMETER} and temporary password is ${CODE_PARAMETER}.`,
    code: temporary,
    ...(input.ClientMetadata ? { clientMetadata: input.ClientMetadata } : {}),
  });
}

/** The invitation, to the outbox (docs/outbox.md), addressed to the user's email. */
async function sendInvitation(
  deps: Pick<Deps, 'store'>,
  user: UserRecord,
  invitation: Awaited<ReturnType<typeof composeInvitation>>,
  now: number,
): Promise<void> {
  await deps.store.addOutboxMessage({
    id: randomUUID(),
    poolId: user.poolId,
    username: user.username,
    channel: 'email',
    destination: user.attributes.find((a) => a.Name === 'email')?.Value ?? '',
    purpose: 'INVITATION',
    ...invitation,
    createdAt: now,
  });
}

async function create(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'log' | 'lambda' | 'config'>,
  pool: PoolRecord,
  input: Record<string, any>,
  attributes: UserAttribute[],
  existing: boolean,
  now: number,
) {
    const options = {
      forceAliasCreation: input.ForceAliasCreation === true,
      holder: async (key: { name: string; value: string }) => (await deps.store.getUserByKey(pool.id, key.name, key.value)) !== undefined,
    };
    let named = await nameNewUser(pool, input.Username, attributes, options);
    const exists = () => UsernameExistsException(existsMessage(pool, named, 'User account already exists'));
    if (existing) throw exists();
    const temporary = input.TemporaryPassword ?? generatePassword();
    checkPasswordPolicy(pool, temporary);
    // The pre sign-up trigger, before anything is written; an administrator's user stays
    // FORCE_CHANGE_PASSWORD whatever autoConfirmUser says, its autoVerify* apply.
    const decided = await applyPreSignUp(deps, pool, 'PreSignUp_AdminCreateUser', named, undefined, input.ValidationData, input.ClientMetadata);
    if (decided?.attributes) named = await nameNewUser(pool, input.Username, decided.attributes, { ...options, sub: named.sub });
    // A generated password that is not sent is known to no one: no verifier is worth computing for
    // it (one 3072-bit exponentiation per user), and the user signs in only after an administrator
    // sets a password (AdminSetUserPassword), as with Cognito.
    const unknowable = input.TemporaryPassword === undefined && input.MessageAction === 'SUPPRESS';
    const user = {
      ...newUser(pool.id, named.username, named.sub, named.attributes, 'FORCE_CHANGE_PASSWORD' as const, now),
      ...(unknowable ? {} : await passwordFields(deps, pool.id, named.username, temporary)),
    };
    const invite = !input.TemporaryPassword && input.MessageAction !== 'SUPPRESS';
    // The invitation's text (the custom message trigger) is composed before the user is written.
    const invitation = invite ? await composeInvitation(deps, pool, user, temporary, input) : undefined;
    if (!(await deps.store.createUser(user, named.keys))) throw exists();
    // ForceAliasCreation: the alias moves from the user who held it to this one.
    for (const key of named.movedKeys) await takeUserKey(deps.store, pool, key, user.username, now);
    if (invitation) await sendInvitation(deps, user, invitation, now);
    return { User: userView(user) };
}

/** A temporary password that meets every default policy rule: letters, digits and a symbol. */
function generatePassword(): string {
  const pick = (s: string) => s[randomInt(s.length)];
  const chars = [pick('ABCDEFGHJKLMNPQRSTUVWXYZ'), pick('abcdefghijkmnopqrstuvwxyz'), pick('23456789'), pick('!#%+=?')];
  while (chars.length < 16) chars.push(pick('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'));
  return chars.join('');
}
