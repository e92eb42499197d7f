import { randomBytes } from 'node:crypto';
import { OffsetClock, systemClock, type Clock } from './clock.js';
import { isDatabaseUrl, type Config } from './config.js';
import { Sealer, loadOrCreateKey } from './crypto/sealing.js';
import type { Deps, Handler } from './deps.js';
import { createLogger, type Logger } from './log.js';
import { operations } from './operations/index.js';
import { createStore } from './store/index.js';
import type { Store } from './store/store.js';
import { KeyRing } from './tokens/keys.js';

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
  return { store, clock, config, sealer, keys: new KeyRing(store, sealer), log };
}

export function createHandlers(deps: Deps): Map<string, Handler> {
  return new Map(Object.entries(operations).map(([name, factory]) => [name, factory(deps)]));
}
