import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminForgetDeviceCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminGetDeviceCommand,
  AdminListDevicesCommand,
  AdminUpdateDeviceStatusCommand,
  ConfirmDeviceCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgetDeviceCommand,
  GetDeviceCommand,
  GetTokensFromRefreshTokenCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListDevicesCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  UpdateDeviceStatusCommand,
  UpdateUserPoolCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { computeVerifier, formatSrpTimestamp, padHex } from '../src/crypto/srp.js';
import { srpClientProof, srpClientStart } from '../src/crypto/srpClient.js';
import { decodeJwt } from '../src/tokens/jwt.js';
import { answerTotp, createUser, enrolTotp, nextStep, PASSWORD, rejectsWith, totpCode } from './support/fixtures.js';
import { pgSchemaUrl, pgSkip } from './support/postgres.js';
import { sdk, startServer, type TestServer } from './support/server.js';

/**
 * Remembered devices through the AWS SDK (issue 16), on SQLite and on PostgreSQL: the admin device
 * operations, and the refusals: a wrong device proof, an unknown device key, another user's device,
 * a forgotten device (MFA again, its refresh tokens dead), a refresh without the device, ConfirmDevice
 * misuse. The device's half of the SRP is computed here as amazon-cognito-identity-js computes it
 * (generateHashDevice, getPasswordAuthenticationKey with the device group key as pool name).
 */

interface Device {
  key: string;
  groupKey: string;
  password: string;
  verifierHex: string;
}

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`remembered devices on ${engine}`, { skip: engine === 'PostgreSQL' ? pgSkip : false }, () => {
    let server: TestServer;
    let client: CognitoIdentityProviderClient;
    let schema: ReturnType<typeof pgSchemaUrl> | undefined;
    let poolId: string;
    let clientId: string;
    const secrets = new Map<string, string>();
    const confirmedDevices: Device[] = [];

    before(async () => {
      schema = engine === 'PostgreSQL' ? pgSchemaUrl() : undefined;
      server = await startServer(schema ? { db: schema.url, sealingKey: randomBytes(32).toString('hex') } : {});
      client = sdk(server.url);
      const pool = await client.send(
        new CreateUserPoolCommand({
          PoolName: 'devices',
          DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
        }),
      );
      poolId = pool.UserPool!.Id!;
      assert.deepEqual(pool.UserPool!.DeviceConfiguration, { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false });
      await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
      const app = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'app',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      );
      clientId = app.UserPoolClient!.ClientId!;
      for (const name of ['ann', 'bob']) {
        await createUser(client, poolId, name);
        nextStep(server.clock);
        secrets.set(name, (await enrolTotp(client, server.clock, clientId, name)).secret);
      }
    });
    after(async () => {
      await server?.stop();
      await schema?.drop();
    });

    /** USER_PASSWORD_AUTH, with DEVICE_KEY if given. */
    const initiate = (username: string, deviceKey?: string) =>
      client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD, ...(deviceKey ? { DEVICE_KEY: deviceKey } : {}) },
        }),
      );

    /** A sign-in with the TOTP code; returns its tokens. */
    async function signInWithCode(username: string, deviceKey?: string): Promise<AuthenticationResultType> {
      const started = await initiate(username, deviceKey);
      assert.equal(started.ChallengeName, 'SOFTWARE_TOKEN_MFA');
      nextStep(server.clock);
      const done = await answerTotp(client, clientId, username, started.Session!, totpCode(secrets.get(username)!, server.clock.now()));
      return done.AuthenticationResult!;
    }

    /** ConfirmDevice as the libraries do it: a random password, a 16-byte salt, the verifier for them. */
    async function confirm(tokens: AuthenticationResultType, name = 'laptop'): Promise<Device> {
      const meta = tokens.NewDeviceMetadata!;
      const password = randomBytes(40).toString('base64');
      const { saltHex, verifierHex } = computeVerifier(meta.DeviceGroupKey!, meta.DeviceKey!, password, padHex(BigInt('0x' + randomBytes(16).toString('hex'))));
      const confirmed = await client.send(
        new ConfirmDeviceCommand({
          AccessToken: tokens.AccessToken!,
          DeviceKey: meta.DeviceKey!,
          DeviceName: name,
          DeviceSecretVerifierConfig: { Salt: b64(saltHex), PasswordVerifier: b64(verifierHex) },
        }),
      );
      assert.equal(confirmed.UserConfirmationNecessary, false, 'remembered at once: DeviceOnlyRememberedOnUserPrompt is false');
      confirmedDevices.push({ key: meta.DeviceKey!, groupKey: meta.DeviceGroupKey!, password, verifierHex });
      return confirmedDevices[confirmedDevices.length - 1];
    }

    /** Answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER; `password` overrides the device's (a wrong proof). */
    async function proveDevice(username: string, session: string, device: Device, password = device.password) {
      const srp = srpClientStart();
      const step = await client.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'DEVICE_SRP_AUTH',
          Session: session,
          ChallengeResponses: { USERNAME: username, DEVICE_KEY: device.key, SRP_A: srp.AHex },
        }),
      );
      assert.equal(step.ChallengeName, 'DEVICE_PASSWORD_VERIFIER');
      const p = step.ChallengeParameters!;
      assert.equal(p.DEVICE_KEY, device.key);
      const proof = srpClientProof(srp, {
        poolName: device.groupKey,
        userIdForSrp: device.key,
        password,
        saltHex: p.SALT,
        BHex: p.SRP_B,
        secretBlockB64: p.SECRET_BLOCK,
        timestamp: formatSrpTimestamp(new Date(server.clock.now())),
      });
      const answer = () =>
        client.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
            Session: step.Session,
            ChallengeResponses: {
              USERNAME: p.USERNAME,
              DEVICE_KEY: device.key,
              PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
              PASSWORD_CLAIM_SIGNATURE: proof.signatureB64,
              TIMESTAMP: proof.timestamp,
            },
          }),
        );
      return { answer };
    }

    test('a remembered device signs in with its proof instead of the code; refresh is bound to it; the admin operations', async () => {
      const tokens = await signInWithCode('ann');
      assert.match(tokens.NewDeviceMetadata!.DeviceKey!, /^us-east-1_[0-9a-f-]{36}$/);
      assert.equal(decodeJwt(tokens.AccessToken!)!.payload.device_key, tokens.NewDeviceMetadata!.DeviceKey);
      const laptop = await confirm(tokens);

      const started = await initiate('ann', laptop.key);
      assert.equal(started.ChallengeName, 'DEVICE_SRP_AUTH', 'no code asked of a remembered device');
      const done = await (await proveDevice('ann', started.Session!, laptop)).answer();
      assert.equal(done.AuthenticationResult!.NewDeviceMetadata, undefined);
      assert.equal(decodeJwt(done.AuthenticationResult!.AccessToken!)!.payload.device_key, laptop.key);

      // Refresh: only with the device's key.
      const refreshToken = done.AuthenticationResult!.RefreshToken!;
      const refresh = (deviceKey?: string) =>
        client.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: refreshToken, ...(deviceKey ? { DEVICE_KEY: deviceKey } : {}) },
          }),
        );
      await rejectsWith(refresh(), 'NotAuthorizedException', 'Invalid Refresh Token');
      await rejectsWith(refresh('us-east-1_00000000-0000-4000-8000-000000000000'), 'NotAuthorizedException', 'Invalid Refresh Token');
      const refreshed = await refresh(laptop.key);
      assert.equal(decodeJwt(refreshed.AuthenticationResult!.AccessToken!)!.payload.device_key, laptop.key);
      const viaGetTokens = await client.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken, DeviceKey: laptop.key }));
      assert.equal(decodeJwt(viaGetTokens.AuthenticationResult!.AccessToken!)!.payload.device_key, laptop.key);

      // Admin operations: get, list a page at a time, status, forget.
      const got = await client.send(new AdminGetDeviceCommand({ UserPoolId: poolId, Username: 'ann', DeviceKey: laptop.key }));
      const attributes = Object.fromEntries(got.Device!.DeviceAttributes!.map((a) => [a.Name, a.Value]));
      assert.deepEqual(Object.keys(attributes), ['device_status', 'device_name', 'dev:device_remembered_status', 'last_ip_used']);
      assert.equal(attributes.device_name, 'laptop');
      assert.equal(attributes['dev:device_remembered_status'], 'remembered');
      assert.ok(got.Device!.DeviceCreateDate instanceof Date && got.Device!.DeviceLastModifiedDate instanceof Date);
      assert.equal(got.Device!.DeviceLastAuthenticatedDate!.getTime(), server.clock.now());

      const phone = await confirm(await signInWithCode('ann'), 'phone');
      const tablet = await confirm(await signInWithCode('ann'), 'tablet');
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new AdminListDevicesCommand({ UserPoolId: poolId, Username: 'ann', Limit: 1, PaginationToken: token }));
        assert.ok(page.Devices!.length <= 1);
        keys.push(...page.Devices!.map((d) => d.DeviceKey!));
        token = page.PaginationToken;
      } while (token);
      assert.deepEqual(keys, [laptop.key, phone.key, tablet.key].sort());

      await client.send(new AdminUpdateDeviceStatusCommand({ UserPoolId: poolId, Username: 'ann', DeviceKey: phone.key, DeviceRememberedStatus: 'not_remembered' }));
      const phoneNow = await client.send(new AdminGetDeviceCommand({ UserPoolId: poolId, Username: 'ann', DeviceKey: phone.key }));
      assert.equal(phoneNow.Device!.DeviceAttributes!.find((a) => a.Name === 'dev:device_remembered_status')!.Value, 'not_remembered');
      // Not remembered: the code is asked for again, and is enough.
      const notRemembered = await signInWithCode('ann', phone.key);
      assert.equal(notRemembered.NewDeviceMetadata, undefined);
      assert.equal(decodeJwt(notRemembered.AccessToken!)!.payload.device_key, phone.key);

      await client.send(new AdminForgetDeviceCommand({ UserPoolId: poolId, Username: 'ann', DeviceKey: tablet.key }));
      await rejectsWith(client.send(new AdminGetDeviceCommand({ UserPoolId: poolId, Username: 'ann', DeviceKey: tablet.key })), 'ResourceNotFoundException', 'Device does not exist.');
      await rejectsWith(client.send(new AdminForgetDeviceCommand({ UserPoolId: poolId, Username: 'ann', DeviceKey: tablet.key })), 'ResourceNotFoundException');
      await rejectsWith(client.send(new AdminListDevicesCommand({ UserPoolId: poolId, Username: 'nobody' })), 'UserNotFoundException');

      // GlobalSignOut ends the sign-ins, not the devices: the laptop still skips the code.
      await client.send(new GlobalSignOutCommand({ AccessToken: refreshed.AuthenticationResult!.AccessToken! }));
      await rejectsWith(refresh(laptop.key), 'NotAuthorizedException', 'Refresh Token has been revoked');
      const afterSignOut = await initiate('ann', laptop.key);
      assert.equal(afterSignOut.ChallengeName, 'DEVICE_SRP_AUTH');
      await (await proveDevice('ann', afterSignOut.Session!, laptop)).answer();
    });

    test('refusals: a wrong device proof, a spent session, an unknown device, another user\'s device, a forgotten device', async () => {
      const annTokens = await signInWithCode('ann');
      const ann = await confirm(annTokens);
      const bob = await confirm(await signInWithCode('bob'));

      // A wrong device proof: no tokens, and the session is spent.
      const started = await initiate('ann', ann.key);
      const wrong = await proveDevice('ann', started.Session!, ann, 'not-the-device-password');
      await rejectsWith(wrong.answer(), 'NotAuthorizedException', 'Incorrect username or password.');
      await rejectsWith(wrong.answer(), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');
      // A DEVICE_SRP_AUTH session answers once too.
      const again = await initiate('ann', ann.key);
      await proveDevice('ann', again.Session!, ann);
      await rejectsWith(proveDevice('ann', again.Session!, ann), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');

      // Unknown and other users' devices: "Device does not exist.", whichever flow.
      await rejectsWith(initiate('ann', 'us-east-1_00000000-0000-4000-8000-000000000000'), 'ResourceNotFoundException', 'Device does not exist.');
      await rejectsWith(initiate('ann', bob.key), 'ResourceNotFoundException', 'Device does not exist.');
      const srp = srpClientStart();
      const srpStart = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'ann', SRP_A: srp.AHex } }));
      const p = srpStart.ChallengeParameters!;
      const proof = srpClientProof(srp, {
        poolName: poolId.split('_')[1],
        userIdForSrp: p.USER_ID_FOR_SRP,
        password: PASSWORD,
        saltHex: p.SALT,
        BHex: p.SRP_B,
        secretBlockB64: p.SECRET_BLOCK,
        timestamp: formatSrpTimestamp(new Date(server.clock.now())),
      });
      const verifier = (deviceKey?: string) =>
        client.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'PASSWORD_VERIFIER',
            ChallengeResponses: {
              USERNAME: p.USERNAME,
              PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
              PASSWORD_CLAIM_SIGNATURE: proof.signatureB64,
              TIMESTAMP: proof.timestamp,
              ...(deviceKey ? { DEVICE_KEY: deviceKey } : {}),
            },
          }),
        );
      await rejectsWith(verifier(bob.key), 'ResourceNotFoundException', 'Device does not exist.');
      // As the libraries do then: the same claim again without the device.
      assert.equal((await verifier()).ChallengeName, 'SOFTWARE_TOKEN_MFA');
      const bobToken = (await signInWithCode('bob', undefined)).AccessToken!;
      await rejectsWith(client.send(new GetDeviceCommand({ AccessToken: bobToken, DeviceKey: ann.key })), 'ResourceNotFoundException', 'Device does not exist.');
      await rejectsWith(client.send(new UpdateDeviceStatusCommand({ AccessToken: bobToken, DeviceKey: ann.key, DeviceRememberedStatus: 'not_remembered' })), 'ResourceNotFoundException');
      await rejectsWith(client.send(new ForgetDeviceCommand({ AccessToken: bobToken, DeviceKey: ann.key })), 'ResourceNotFoundException');
      await rejectsWith(client.send(new AdminGetDeviceCommand({ UserPoolId: poolId, Username: 'bob', DeviceKey: ann.key })), 'ResourceNotFoundException');
      assert.ok(!(await client.send(new ListDevicesCommand({ AccessToken: bobToken }))).Devices!.some((d) => d.DeviceKey === ann.key));

      // ConfirmDevice: only the sign-in's own device, once, with a real verifier.
      const annFresh = await signInWithCode('ann');
      const config = { Salt: b64('00ff'), PasswordVerifier: b64('02') };
      await rejectsWith(
        client.send(new ConfirmDeviceCommand({ AccessToken: annFresh.AccessToken!, DeviceKey: ann.key, DeviceSecretVerifierConfig: config })),
        'ResourceNotFoundException',
      );
      await rejectsWith(
        client.send(new ConfirmDeviceCommand({ AccessToken: annFresh.AccessToken!, DeviceKey: annFresh.NewDeviceMetadata!.DeviceKey!, DeviceSecretVerifierConfig: { Salt: b64('00ff'), PasswordVerifier: b64('01') } })),
        'InvalidParameterException',
      );
      await rejectsWith(
        client.send(new ConfirmDeviceCommand({ AccessToken: annTokens.AccessToken!, DeviceKey: ann.key, DeviceSecretVerifierConfig: config })),
        'DeviceKeyExistsException',
      );

      // Forgotten (by the user): gone, its refresh tokens dead, and the code is asked for again.
      const onDevice = await initiate('ann', ann.key);
      const signedIn = (await (await proveDevice('ann', onDevice.Session!, ann)).answer()).AuthenticationResult!;
      assert.equal((await client.send(new GetDeviceCommand({ AccessToken: signedIn.AccessToken!, DeviceKey: ann.key }))).Device!.DeviceKey, ann.key);
      await client.send(new ForgetDeviceCommand({ AccessToken: signedIn.AccessToken!, DeviceKey: ann.key }));
      await rejectsWith(initiate('ann', ann.key), 'ResourceNotFoundException', 'Device does not exist.');
      await rejectsWith(
        client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: signedIn.RefreshToken!, DEVICE_KEY: ann.key } })),
        'NotAuthorizedException',
        'Invalid Refresh Token',
      );
      assert.equal((await initiate('ann')).ChallengeName, 'SOFTWARE_TOKEN_MFA');
    });

    test('without an MFA code due, a device proves itself after the password (admin flow too); an unknown name gets "Device does not exist."; a pool without device tracking ignores DEVICE_KEY', async () => {
      await createUser(client, poolId, 'cy');
      const adminInitiate = (deviceKey?: string) =>
        client.send(
          new AdminInitiateAuthCommand({
            UserPoolId: poolId,
            ClientId: clientId,
            AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: 'cy', PASSWORD, ...(deviceKey ? { DEVICE_KEY: deviceKey } : {}) },
          }),
        );
      const first = await adminInitiate();
      const cy = await confirm(first.AuthenticationResult!);
      const started = await adminInitiate(cy.key);
      assert.equal(started.ChallengeName, 'DEVICE_SRP_AUTH');
      const srp = srpClientStart();
      const step = await client.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          ChallengeName: 'DEVICE_SRP_AUTH',
          Session: started.Session,
          ChallengeResponses: { USERNAME: 'cy', DEVICE_KEY: cy.key, SRP_A: srp.AHex },
        }),
      );
      const p = step.ChallengeParameters!;
      const proof = srpClientProof(srp, {
        poolName: cy.groupKey,
        userIdForSrp: cy.key,
        password: cy.password,
        saltHex: p.SALT,
        BHex: p.SRP_B,
        secretBlockB64: p.SECRET_BLOCK,
        timestamp: formatSrpTimestamp(new Date(server.clock.now())),
      });
      const done = await client.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
          Session: step.Session,
          ChallengeResponses: {
            USERNAME: 'cy',
            DEVICE_KEY: cy.key,
            PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
            PASSWORD_CLAIM_SIGNATURE: proof.signatureB64,
            TIMESTAMP: proof.timestamp,
          },
        }),
      );
      assert.equal(decodeJwt(done.AuthenticationResult!.AccessToken!)!.payload.device_key, cy.key);
      assert.equal(done.AuthenticationResult!.NewDeviceMetadata, undefined);

      // A name that is no user, over SRP: the claim is refused for the device as for any key.
      const srp2 = srpClientStart();
      const ghost = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'ghost', SRP_A: srp2.AHex } }));
      await rejectsWith(
        client.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'PASSWORD_VERIFIER',
            ChallengeResponses: {
              USERNAME: 'ghost',
              PASSWORD_CLAIM_SECRET_BLOCK: ghost.ChallengeParameters!.SECRET_BLOCK,
              PASSWORD_CLAIM_SIGNATURE: Buffer.alloc(32).toString('base64'),
              TIMESTAMP: formatSrpTimestamp(new Date(server.clock.now())),
              DEVICE_KEY: cy.key,
            },
          }),
        ),
        'ResourceNotFoundException',
        'Device does not exist.',
      );

      // A pool that does not track devices: no NewDeviceMetadata, no device_key, DEVICE_KEY ignored.
      const plain = await client.send(new CreateUserPoolCommand({ PoolName: 'no-devices' }));
      const plainApp = await client.send(
        new CreateUserPoolClientCommand({ UserPoolId: plain.UserPool!.Id!, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      );
      await createUser(client, plain.UserPool!.Id!, 'dee');
      const plainSignIn = await client.send(
        new InitiateAuthCommand({ ClientId: plainApp.UserPoolClient!.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'dee', PASSWORD, DEVICE_KEY: cy.key } }),
      );
      assert.equal(plainSignIn.AuthenticationResult!.NewDeviceMetadata, undefined);
      assert.equal(decodeJwt(plainSignIn.AuthenticationResult!.AccessToken!)!.payload.device_key, undefined);
      const plainRefresh = await client.send(
        new InitiateAuthCommand({
          ClientId: plainApp.UserPoolClient!.ClientId!,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: plainSignIn.AuthenticationResult!.RefreshToken!, DEVICE_KEY: cy.key },
        }),
      );
      assert.ok(plainRefresh.AuthenticationResult!.AccessToken);
    });

    test('the database holds no device verifier in clear (sealed, as password verifiers)', async () => {
      assert.ok(confirmedDevices.length > 0);
      const dump = schema
        ? await schema.dump()
        : readdirSync(server.dir)
            .filter((f) => f.startsWith('cognate.db'))
            .map((f) => readFileSync(join(server.dir, f)).toString('latin1'))
            .join('\n');
      assert.ok(confirmedDevices.some((device) => dump.includes(device.key)), 'the dump holds the devices');
      for (const device of confirmedDevices) {
        assert.ok(!dump.includes(device.verifierHex) && !dump.includes(b64(device.verifierHex)), 'a device verifier is stored in clear');
        assert.ok(!dump.includes(device.password), 'the device secret never reaches the server');
      }
    });

    test('DeviceConfiguration: DescribeUserPool returns it; UpdateUserPool without it turns device tracking off', async () => {
      const described = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
      assert.deepEqual(described.UserPool!.DeviceConfiguration, { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false });
      const other = await client.send(new CreateUserPoolCommand({ PoolName: 'plain' }));
      assert.equal(other.UserPool!.DeviceConfiguration, undefined);
      await client.send(new UpdateUserPoolCommand({ UserPoolId: other.UserPool!.Id!, DeviceConfiguration: { DeviceOnlyRememberedOnUserPrompt: true } }));
      assert.deepEqual((await client.send(new DescribeUserPoolCommand({ UserPoolId: other.UserPool!.Id! }))).UserPool!.DeviceConfiguration, {
        ChallengeRequiredOnNewDevice: false,
        DeviceOnlyRememberedOnUserPrompt: true,
      });
      await client.send(new UpdateUserPoolCommand({ UserPoolId: other.UserPool!.Id! }));
      assert.equal((await client.send(new DescribeUserPoolCommand({ UserPoolId: other.UserPool!.Id! }))).UserPool!.DeviceConfiguration, undefined);
    });
  });
}
