import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import { padHex } from '../crypto/srp.js';
import { runSrp } from '../crypto/srpPool.js';
import { poolShortName } from '../domain/ids.js';
import type { PoolRecord } from '../store/store.js';
import { maskEmail, maskPhone, type CodeDeliveryDetails } from './codes.js';

/**
 * What a name that is no user gets, so that answers do not tell who exists (PreventUserExistenceErrors,
 * ENABLED unless a client says LEGACY; docs/behaviour.md, "Unknown users").
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
 */

/**
 * The SALT USER_SRP_AUTH gives an unknown name: the same on every call for the same pool and name,
 * and in the real salts' format (16 bytes as src/crypto/srp.ts's padHex writes them), derived by
 * HMAC under the sealing key so that nobody without it can tell it from a real one.
 */
export function fakeSalt(deps: Pick<Deps, 'sealer'>, poolId: string, name: string): string {
  const bytes = deps.sealer.mac(`srp-salt/${poolId}/${name}`).subarray(0, 16);
  return padHex(BigInt(`0x${bytes.toString('hex')}`));
}

let dummy: Promise<string> | undefined;

/** A verifier no password matches, computed once: checks against it cost what a real check costs. */
export function dummyVerifier(): Promise<string> {
  return (dummy ??= runSrp('computeVerifier', 'dummy', 'dummy', randomBytes(32).toString('hex')).then(
    (v) => v.verifierHex,
    (err) => {
      dummy = undefined;
      throw err;
    },
  ));
}

/** One password check of a real check's cost (one modular exponentiation), whose answer is always no. */
export async function dummyPasswordCheck(deps: Pick<Deps, 'sealer'>, poolId: string, name: string, password: string): Promise<void> {
  await runSrp('verifyPassword', poolShortName(poolId), name, password, fakeSalt(deps, poolId, name), await dummyVerifier());
}

/**
 * Where a code for an unknown name "went": the channel a real user of the pool would get, with a
 * masked destination whose visible characters are derived like fakeSalt (stable, unpredictable).
 */
export function fakeDelivery(
  deps: Pick<Deps, 'sealer'>,
  pool: PoolRecord,
  name: string,
  purpose: 'SIGN_UP' | 'FORGOT_PASSWORD',
): CodeDeliveryDetails | undefined {
  const mac = deps.sealer.mac(`delivery/${pool.id}/${name}`);
  const letter = (i: number) => String.fromCharCode(97 + (mac[i] % 26));
  const phone = () => `+1${Array.from(mac.subarray(2, 12), (b) => b % 10).join('')}`;
  if (purpose === 'SIGN_UP') {
    const auto = (pool.settings.AutoVerifiedAttributes as string[] | undefined) ?? [];
    if (auto.includes('email')) return { Destination: maskEmail(`${letter(0)}@${letter(1)}`), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
    if (auto.includes('phone_number')) return { Destination: maskPhone(phone()), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
    return undefined;
  }
  return { Destination: maskEmail(`${letter(0)}@${letter(1)}`), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}
