import { mock } from 'node:test';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ManualClock } from '../../src/clock.js';
import type { Fixture } from './fixtures.js';

/**
 * Helpers for the compatibility suite (test/compat.*.test.ts): pools configured the ways real apps
 * configure them, and one clock shared by the server and the client libraries in this process.
 */

export type Mfa = 'OFF' | 'OPTIONAL' | 'ON';

export interface CompatPoolOptions {
  mfa?: Mfa;
  secret?: boolean;
  /** ExplicitAuthFlows as the app sends them; omitted means "not sent" (Cognito's default flows). */
  flows?: string[] | null;
  /** AccessTokenValidity and IdTokenValidity in minutes (Cognito's minimum is 5). */
  tokenMinutes?: number;
}

export const MODERN_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

/** A pool with TOTP MFA OFF, OPTIONAL or ON, and one app client configured as asked. */
export async function compatPool(client: CognitoIdentityProviderClient, options: CompatPoolOptions = {}): Promise<Fixture> {
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: `compat-${Math.random().toString(36).slice(2, 8)}`,
    }),
  );
  const poolId = pool.UserPool!.Id!;
  if (options.mfa && options.mfa !== 'OFF') {
    await client.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: options.mfa }),
    );
  }
  const flows = options.flows === undefined ? MODERN_FLOWS : options.flows;
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'compat-app',
      GenerateSecret: options.secret ?? false,
      ...(flows ? { ExplicitAuthFlows: flows as any } : {}),
      ...(options.tokenMinutes
        ? {
            AccessTokenValidity: options.tokenMinutes,
            IdTokenValidity: options.tokenMinutes,
            TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
          }
        : {}),
    }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId!, clientSecret: app.UserPoolClient!.ClientSecret };
}

/**
 * The client libraries read the time from `Date`, the server from its ManualClock. While a test runs,
 * this makes `Date` in this process (and so in amazon-cognito-identity-js and Amplify: SRP's
 * TIMESTAMP, token expiry checks, clock drift) show the server's clock: when the test moves the
 * server's clock an hour on, the user's machine has lived that hour too. Only `Date` is replaced
 * (node:test's mock timers); timers and I/O run in real time. `sync()` after every move of the
 * server's clock; `restore()` at the end (node:test also restores it when the test ends).
 */
export class SharedClock {
  constructor(private readonly clock: ManualClock) {}

  install(): void {
    mock.timers.enable({ apis: ['Date'], now: this.clock.now() });
  }

  sync(): void {
    mock.timers.setTime(this.clock.now());
  }

  advance(ms: number): void {
    this.clock.advance(ms);
    this.sync();
  }

  /** The start of the next 30-second TOTP step (plus a second), on both clocks. */
  nextStep(): void {
    this.clock.set((Math.floor(this.clock.now() / 30_000) + 1) * 30_000 + 1_000);
    this.sync();
  }

  now(): number {
    return this.clock.now();
  }

  restore(): void {
    mock.timers.reset();
  }
}

/**
 * The Web Storage contract of a browser's `window.localStorage`, held in memory: `getItem` answers
 * `null` for a key never set and `setItem` stores strings. Node 20 has no localStorage, and
 * amazon-cognito-identity-js's own fallback answers `undefined` instead, which JSON drops; in a
 * browser the library reads `null` (for instance the device key of a user who never remembered a
 * device) and sends it. Passed as the documented `Storage` option, it makes the library behave as
 * in the browser apps of issue 10.
 */
export class WebStorage {
  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    return this.items.has(key) ? this.items.get(key)! : null;
  }

  setItem(key: string, value: unknown): void {
    this.items.set(key, String(value));
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  clear(): void {
    this.items.clear();
  }
}
