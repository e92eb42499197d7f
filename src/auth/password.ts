import type { Deps } from '../deps.js';
import { InvalidPasswordException, NotAuthorizedException } from '../errors.js';
import { runSrp } from '../crypto/srpPool.js';
import { poolShortName } from '../domain/ids.js';
import { oneAttemptAtATime } from './attemptGate.js';
import { dummyPasswordCheck } from './unknownUsers.js';
import { LOCKOUT, type PoolRecord, type UserRecord } from '../store/store.js';

/**
 * Passwords are never stored: a user keeps the SRP salt and verifier (sealed), which USER_SRP_AUTH
 * needs anyway and which also checks a plain password with one modular exponentiation.
 * The SRP identity is the username, which never changes (Cognito's USER_ID_FOR_SRP).
 */
export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';

const verifierAad = (poolId: string, username: string) => `verifier/${poolId}/${username}`;

export async function passwordFields(
  deps: Pick<Deps, 'sealer'>,
  poolId: string,
  username: string,
  password: string,
): Promise<{ passwordSalt: string; passwordVerifierSealed: string }> {
  const { saltHex, verifierHex } = await runSrp('computeVerifier', poolShortName(poolId), username, password);
  return {
    passwordSalt: saltHex,
    passwordVerifierSealed: deps.sealer.seal(verifierHex, verifierAad(poolId, username)),
  };
}

export function openVerifier(deps: Pick<Deps, 'sealer'>, user: UserRecord): string | undefined {
  if (!user.passwordVerifierSealed) return undefined;
  return deps.sealer.open(user.passwordVerifierSealed, verifierAad(user.poolId, user.username)).toString('utf8');
}

export async function passwordMatches(deps: Pick<Deps, 'sealer'>, user: UserRecord, password: string): Promise<boolean> {
  const verifier = openVerifier(deps, user);
  if (!verifier || !user.passwordSalt) {
    await dummyPasswordCheck(deps, user.poolId, user.username, password); // the same cost as a real check
    return false;
  }
  return runSrp('verifyPassword', poolShortName(user.poolId), user.username, password, user.passwordSalt, verifier);
}

/**
 * The pool's password policy (defaults: 8 characters with upper case, lower case, digits and
 * symbols), with Cognito's messages.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
 */
export function checkPasswordPolicy(pool: PoolRecord, password: string): void {
  const policy = ((pool.settings.Policies as any)?.PasswordPolicy ?? {}) as Record<string, unknown>;
  const fail = (why: string) => InvalidPasswordException(`Password did not conform with policy: ${why}`);
  const min = typeof policy.MinimumLength === 'number' ? policy.MinimumLength : 8;
  if ([...password].length < min) throw fail('Password not long enough');
  if (policy.RequireLowercase !== false && !/[a-z]/.test(password)) throw fail('Password must have lowercase characters');
  if (policy.RequireUppercase !== false && !/[A-Z]/.test(password)) throw fail('Password must have uppercase characters');
  if (policy.RequireNumbers !== false && !/[0-9]/.test(password)) throw fail('Password must have numeric characters');
  // Cognito's symbol set: ^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + - and space.
  if (policy.RequireSymbols !== false && !/[\^$*.\[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password)) {
    throw fail('Password must have symbol characters');
  }
}

/**
 * Growing lockouts after repeated failures, as Cognito documents for passwords: five failures are
 * free, then the user is locked for 1 s, doubling with each further failure up to 15 minutes;
 * attempts during a lockout are refused without being counted (LOCKOUT in src/store/store.ts).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior
 */
export const FREE_FAILURES = LOCKOUT.free;
export const ATTEMPTS_EXCEEDED = 'Password attempts exceeded';

export function lockoutEndsAt(count: number, lastAt: number | null): number {
  if (count < FREE_FAILURES || lastAt === null) return 0;
  return lastAt + Math.min(LOCKOUT.firstMs * 2 ** (count - FREE_FAILURES), LOCKOUT.maxMs);
}

/**
 * Reserves a password attempt before the password is checked: the store counts it as a failure in
 * the same statement that checks the lockout, so concurrent guesses cannot all be evaluated before
 * any is counted. Throws "Password attempts exceeded" during a lockout (nothing counted then).
 */
export async function reservePasswordAttempt(deps: Pick<Deps, 'store' | 'clock'>, user: UserRecord): Promise<void> {
  if (!(await deps.store.reserveAttempt(user.poolId, user.username, 'password', deps.clock.now()))) {
    throw NotAuthorizedException(ATTEMPTS_EXCEEDED);
  }
}

/** Checks a password with the lockout rules; throws NotAuthorizedException as Cognito does. */
export async function checkPasswordWithLockout(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer'>,
  user: UserRecord,
  password: string,
): Promise<void> {
  await oneAttemptAtATime(user.poolId, user.username, async () => {
    await reservePasswordAttempt(deps, user);
    // A wrong password stays counted; a right one clears the count.
    if (!(await passwordMatches(deps, user, password))) throw NotAuthorizedException(INCORRECT_CREDENTIALS);
    await deps.store.clearFailures(user.poolId, user.username, 'password');
  });
}
