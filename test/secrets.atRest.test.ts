import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AssociateSoftwareTokenCommand, VerifySoftwareTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ManualClock } from '../src/clock.js';
import { defaultConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startServer } from '../src/server/http.js';
import { createPool, createUser, passwordSignIn, PASSWORD, totpCode } from './support/fixtures.js';
import { sdk } from './support/server.js';

test('a database dump and the logs hold no TOTP secret, password, client secret or token in clear', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-secrets-'));
  let logs = '';
  const sink = new Writable({ write(chunk, _enc, done) { logs += chunk; done(); } });
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const running = await startServer(defaultConfig({ port: 0, db: join(dir, 'cognate.db') }), { clock, log: createLogger('trace', sink) });
  try {
    const client = sdk(running.url);
    const { poolId, clientId, clientSecret } = await createPool(client, { mfa: 'OPTIONAL', secret: false });
    const withSecret = await createPool(client, { secret: true });
    await createUser(client, poolId, 'ann');
    const signIn = await passwordSignIn(client, clientId, 'ann');
    const AccessToken = signIn.AuthenticationResult!.AccessToken!;
    const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(SecretCode!, clock.now()) }));
    const pending = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    // A request that fails inside an operation is logged too.
    await client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: '000000' })).catch(() => undefined);

    const dump = readdirSync(dir)
      .filter((f) => f.startsWith('cognate.db'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('\n');
    assert.ok(dump.length > 0);
    assert.match(logs, /"operation":"AssociateSoftwareToken"/);
    assert.match(logs, /"error":"EnableSoftwareTokenMFAException"/);
    const secrets = {
      'verified TOTP secret': SecretCode!,
      'pending TOTP secret': pending.SecretCode!,
      password: PASSWORD,
      'client secret': withSecret.clientSecret!,
      'refresh token': signIn.AuthenticationResult!.RefreshToken!,
      'access token signature': AccessToken.split('.')[2],
    };
    for (const [what, value] of Object.entries(secrets)) {
      assert.ok(!dump.includes(value), `${what} is stored in clear`);
      assert.ok(!logs.includes(value), `${what} appears in the logs`);
    }
    assert.equal(clientSecret, undefined);
    // The sealing key lives next to the database, readable by its owner only.
    const keyFile = join(dir, 'sealing.key');
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
