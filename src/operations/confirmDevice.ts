import type { Deps, Handler } from '../deps.js';
import { deviceTracking, parseDeviceVerifier, sealDeviceVerifier, deviceNotFound } from '../auth/devices.js';
import { DeviceKeyExistsException } from '../errors.js';
import { deviceCaller } from './devices.js';

/**
 * ConfirmDevice: registers the device that the access token's sign-in was given (NewDeviceMetadata)
 * with the SRP verifier and salt its client computed; the server never sees the device's secret.
 * UserConfirmationNecessary is true when the pool's DeviceOnlyRememberedOnUserPrompt is (the device
 * stays not remembered until UpdateDeviceStatus), false when the device is remembered at once (API
 * reference, ConfirmDevice and DeviceConfigurationType).
 */
export default (deps: Pick<Deps, 'store' | 'keys' | 'clock' | 'sealer'>): Handler =>
  async (input, ctx) => {
    const { pool, user, signIn } = await deviceCaller(deps, input.AccessToken);
    const settings = deviceTracking(pool);
    // Only the device this sign-in was issued: another key, or one from a pool that does not track devices, is no device.
    if (!settings || !signIn.deviceKey || !signIn.deviceGroupKey || signIn.deviceKey !== input.DeviceKey) throw deviceNotFound();
    const { verifierHex, saltHex } = parseDeviceVerifier(input.DeviceSecretVerifierConfig);
    const now = deps.clock.now();
    const created = await deps.store.createDevice({
      poolId: pool.id,
      deviceKey: signIn.deviceKey,
      username: user.username,
      sub: user.sub,
      groupKey: signIn.deviceGroupKey,
      salt: saltHex,
      verifierSealed: sealDeviceVerifier(deps, pool.id, signIn.deviceKey, verifierHex),
      name: input.DeviceName ?? null,
      remembered: !settings.onlyRememberedOnUserPrompt,
      lastIp: ctx.sourceIp ?? null,
      createdAt: now,
      modifiedAt: now,
      lastAuthenticatedAt: now,
    });
    if (!created) throw DeviceKeyExistsException('Device key already exists.');
    return { UserConfirmationNecessary: settings.onlyRememberedOnUserPrompt };
  };
