import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { OffsetClock, systemClock, type Clock } from './clock.js';
import { isDatabaseUrl, type Config } from './config.js';
import { SealError, Sealer, loadOrCreateKey } from './crypto/sealing.js';
import type { Deps, Handler } from './deps.js';
import { createLogger, type Logger } from './log.js';
import { operations } from './operations/index.js';
import { createStore } from './store/index.js';
import type { Store } from './store/store.js';
import { KeyRing } from './tokens/keys.js';
import { createLambdaInvoker, lambdaEndpoint } from './triggers/lambdaClient.js';

export interface AppOptions {
  clock?: Clock;
  log?: Logger;
  store?: Store;
}

/** Wires the dependencies once: store, sealing key, key ring, and one handler per operation. */
export function createDeps(config: Config, options: AppOptions = {}): Deps {
  const log = options.log ?? createLogger(config.logLevel);
  if (isDatabaseUrl(config.db) && !config.sealingKey && !config.keyFile) {
    throw new Error('a PostgreSQL database needs --sealing-key or --key-file, the same for every Cognate process');
  }
  const key = config.sealingKey || config.keyFile
    ? loadOrCreateKey({ keyHex: config.sealingKey, keyFile: config.keyFile })
    : randomBytes(32); // ':memory:' without a key file: nothing outlives the process anyway.
  const store = options.store ?? createStore(config.db, (err) => log.warn({ err: err.message }, 'idle database connection failed'));
  const sealer = new Sealer(key);
  const clock = options.clock ?? (config.testClock ? new OffsetClock() : systemClock);
  const endpoint = lambdaEndpoint(config.lambdaEndpoint);
  const lambda = endpoint ? createLambdaInvoker(endpoint) : undefined;
  return { store, clock, config, sealer, keys: new KeyRing(store, sealer), log, lambda };
}

export function createHandlers(deps: Deps): Map<string, Handler> {
  return new Map(Object.entries(operations).map(([name, factory]) => [name, factory(deps)]));
}

const KEY_CHECK = 'sealing_key_check';
const KEY_CHECK_AAD = 'meta/sealing_key_check';
const KEY_CHECK_TEXT = 'cognate sealing key check';

/**
 * Refuses to serve a database with a key that does not open it. Without this, a missing key file
 * next to an existing database (or a wrong --sealing-key) started a server that answered 500 for
 * every existing pool. The first start seals a constant into `meta`; every later start opens it.
 * A database from before the check has none: one pool's sealed signing key is opened instead,
 * then the check is written. `keyFileCreated`: this start created the key file (it is removed
 * again when refused, so the next start reports the same thing).
 */
export async function checkSealingKey(deps: Pick<Deps, 'store' | 'sealer' | 'config'>, keyFileCreated: boolean): Promise<void> {
  const { store, sealer, config } = deps;
  const opens = (sealed: string, aad: string) => {
    try {
      sealer.open(sealed, aad);
      return true;
    } catch (err) {
      if (err instanceof SealError) return false;
      throw err;
    }
  };
  let stored = await store.getMeta(KEY_CHECK);
  if (stored === undefined) {
    const pool = (await store.listPools(1)).items[0];
    const key = pool ? (await store.getSigningKeys(pool.id))[0] : undefined;
    if (key && !opens(key.privateJwkSealed, `key/${key.kid}`)) refuse(config, keyFileCreated);
    stored = await store.putMetaIfAbsent(KEY_CHECK, sealer.seal(KEY_CHECK_TEXT, KEY_CHECK_AAD));
  }
  if (!opens(stored, KEY_CHECK_AAD)) refuse(config, keyFileCreated);
}

function refuse(config: Config, keyFileCreated: boolean): never {
  if (keyFileCreated) {
    try {
      unlinkSync(config.keyFile);
    } catch {
      // Already gone.
    }
    throw new Error(
      `the database holds data sealed under a sealing key, but the key file ${config.keyFile} did not exist ` +
        '(the new key just written there was removed again): restore the original key file, or give the key ' +
        'with --sealing-key or --key-file (docs/security.md)',
    );
  }
  const source = config.sealingKey ? '--sealing-key (COGNATE_SEALING_KEY)' : `the key file ${config.keyFile}`;
  throw new Error(
    `the sealing key from ${source} does not open the data in the database, which was sealed under another key: ` +
      'start with the key the database was created with (--sealing-key or --key-file; docs/security.md)',
  );
}
