/**
 * `cognate totp uri|qr|code`, run as the built CLI. The QR code printed in the terminal is read
 * back into pixels and decoded with jsQR (test/cli.support.ts): it must give the otpauth:// URI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { totpUri } from '../src/cli/totp.js';
import { builtCliMissing, cognate, decodeGrid, terminalToGrid } from './cli.support.js';

const skipBuilt = builtCliMissing();
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

test('uri: the Key URI format, URL-encoded, issuer optional', () => {
  assert.equal(totpUri(SECRET, 'alice@example.com', 'My App'), `otpauth://totp/My%20App:alice%40example.com?secret=${SECRET}&issuer=My%20App`);
  assert.equal(totpUri(SECRET.toLowerCase(), 'bob'), `otpauth://totp/bob?secret=${SECRET}`);
  const parsed = OTPAuth.URI.parse(totpUri(SECRET, 'alice@example.com', 'My App')) as OTPAuth.TOTP;
  assert.equal(parsed.issuer, 'My App');
  assert.equal(parsed.label, 'alice@example.com');
  assert.equal(parsed.secret.base32, SECRET);
});

test('cognate totp uri and code', { skip: skipBuilt }, async () => {
  const uri = await cognate(['totp', 'uri', '--secret', SECRET, '--account', 'alice', '--issuer', 'Cognate']);
  assert.equal(uri.code, 0, uri.stderr);
  assert.equal(uri.stdout, `otpauth://totp/Cognate:alice?secret=${SECRET}&issuer=Cognate\n`);
  const reference = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET), digits: 6, period: 30, algorithm: 'SHA1' });
  const t = 1767268800;
  const code = await cognate(['totp', 'code', '--secret', SECRET, '--time', String(t)]);
  assert.equal(code.stdout, `${reference.generate({ timestamp: t * 1000 })}\n`);
  const next = await cognate(['totp', 'code', '--secret', SECRET, '--time', String(t), '--step-offset', '1']);
  assert.equal(next.stdout, `${reference.generate({ timestamp: (t + 30) * 1000 })}\n`);
  const now = await cognate(['totp', 'code', '--secret', SECRET]);
  assert.match(now.stdout, /^\d{6}\n$/);
});

test('cognate totp qr draws a QR code that decodes to the URI (both styles)', { skip: skipBuilt }, async () => {
  const expected = totpUri(SECRET, 'alice@example.com', 'Cognate Demo');
  for (const style of ['terminal', 'utf8'] as const) {
    const r = await cognate(['totp', 'qr', '--secret', SECRET, '--account', 'alice@example.com', '--issuer', 'Cognate Demo', '--style', style]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.endsWith(`\n${expected}\n`), 'the URI follows the code, for manual entry');
    const qr = r.stdout.slice(0, r.stdout.length - expected.length - 2);
    assert.equal(await decodeGrid(terminalToGrid(qr, style)), expected, style);
  }
});

test('cognate totp usage errors exit 252', { skip: skipBuilt }, async () => {
  const noSecret = await cognate(['totp', 'code']);
  assert.equal(noSecret.code, 252);
  assert.match(noSecret.stderr, /required: --secret/);
  const badSecret = await cognate(['totp', 'code', '--secret', 'not base32!']);
  assert.equal(badSecret.code, 252);
  const noAccount = await cognate(['totp', 'uri', '--secret', SECRET]);
  assert.equal(noAccount.code, 252);
  const unknown = await cognate(['totp', 'code', '--secret', SECRET, '--bogus']);
  assert.equal(unknown.code, 252);
  const help = await cognate(['totp', 'help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /cognate totp code --secret S/);
});
