import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** `us-east-1_AbC123xyZ`: the region, an underscore and nine letters or digits, as Cognito's. */
export const newPoolId = (region: string) => `${region}_${randomString(ALNUM, 9)}`;
/** App client ids are 26 lower-case letters and digits. */
export const newClientId = () => randomString(LOWER_ALNUM, 26);
/** App client secrets are 51 lower-case letters and digits. */
export const newClientSecret = () => randomString(LOWER_ALNUM, 51);
/** The pool name part of a pool id, which SRP uses (`AbC123xyZ`). */
export const poolShortName = (poolId: string) => poolId.slice(poolId.indexOf('_') + 1);
/** User import job ids: `import-` and ten letters or digits, as Cognito's (`import-9sHxosU7BP`). */
export const newImportJobId = () => `import-${randomString(ALNUM, 10)}`;
