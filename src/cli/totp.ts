/**
 * `cognate totp`: the pieces a person (or a script) needs to enrol and use a software token.
 *
 *   cognate totp uri  --secret S --account NAME [--issuer I]   the otpauth:// URI
 *   cognate totp qr   --secret S --account NAME [--issuer I]   the URI as a QR code in the terminal
 *   cognate totp code --secret S [--step-offset N] [--time T]  the current 6-digit code
 */
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { base32Decode } from '../crypto/base32.js';
import { timeStep, totpAt, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../crypto/totp.js';

const usage = `usage: cognate totp <uri|qr|code> [options]

  cognate totp uri  --secret S --account NAME [--issuer I]
      Print the otpauth:// URI that authenticator apps read.
  cognate totp qr   --secret S --account NAME [--issuer I] [--style terminal|utf8]
      Draw that URI as a QR code in the terminal, to scan with a phone.
  cognate totp code --secret S [--step-offset N] [--time UNIX_SECONDS]
      Print the current TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30 seconds).
      --step-offset 1 gives the code of the next 30-second step.
`;

/** The Key URI Format authenticator apps read: otpauth://totp/Issuer:account?secret=S&issuer=Issuer. */
export function totpUri(secret: string, account: string, issuer?: string): string {
  const label = issuer ? `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}` : encodeURIComponent(account);
  const query = new URLSearchParams({ secret: secret.replace(/=+$/, '').toUpperCase() });
  if (issuer) query.set('issuer', issuer);
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}

export type QrStyle = 'terminal' | 'utf8';

/**
 * The QR code of `text` as terminal text. `terminal` (the default) paints dark modules black on a
 * white background with ANSI colours, which scans on dark and light themes alike; `utf8` uses
 * plain block characters (light modules drawn, for dark terminals) for places that drop colours.
 */
export async function qrText(text: string, style: QrStyle = 'terminal'): Promise<string> {
  if (style === 'utf8') return QRCode.toString(text, { type: 'utf8', errorCorrectionLevel: 'M' });
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}

/** The code for `secret` at time `nowMs`, `stepOffset` steps later. */
export function totpCode(secret: string, nowMs: number, stepOffset = 0): string {
  return totpAt(secret, timeStep(nowMs) + stepOffset);
}

function fail(message: string): number {
  process.stderr.write(`${usage}\ncognate totp: error: ${message}\n`);
  return 252;
}

function checkSecret(secret: string | undefined): string | undefined {
  if (!secret) return 'the following arguments are required: --secret';
  try {
    if (base32Decode(secret.replace(/\s+/g, '')).length === 0) return '--secret must be a Base32 string';
  } catch {
    return '--secret must be a Base32 string (A-Z, 2-7)';
  }
  return undefined;
}

export async function runTotp(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(usage);
    return sub === undefined ? 252 : 0;
  }
  if (!['uri', 'qr', 'code'].includes(sub)) return fail(`unknown command '${sub}'`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        secret: { type: 'string' },
        account: { type: 'string' },
        issuer: { type: 'string' },
        style: { type: 'string' },
        'step-offset': { type: 'string' },
        time: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const secret = typeof values.secret === 'string' ? values.secret.replace(/\s+/g, '') : undefined;
  const secretProblem = checkSecret(secret);
  if (secretProblem) return fail(secretProblem);

  if (sub === 'code') {
    const offsetText = (values['step-offset'] as string | undefined) ?? '0';
    if (!/^[+-]?\d+$/.test(offsetText)) return fail('--step-offset must be an integer');
    let nowMs = Date.now();
    if (values.time !== undefined) {
      const t = Number(values.time);
      if (!Number.isFinite(t) || t < 0) return fail('--time must be a number of seconds since 1970');
      nowMs = t * 1000;
    }
    process.stdout.write(`${totpCode(secret!, nowMs, Number(offsetText))}\n`);
    return 0;
  }

  const account = values.account as string | undefined;
  if (!account) return fail('the following arguments are required: --account');
  const uri = totpUri(secret!, account, values.issuer as string | undefined);
  if (sub === 'uri') {
    process.stdout.write(`${uri}\n`);
    return 0;
  }
  const style = (values.style as string | undefined) ?? 'terminal';
  if (style !== 'terminal' && style !== 'utf8') return fail('--style must be terminal or utf8');
  process.stdout.write(await qrText(uri, style));
  process.stdout.write(`\n${uri}\n`);
  return 0;
}

export { TOTP_DIGITS, TOTP_PERIOD_SECONDS };
