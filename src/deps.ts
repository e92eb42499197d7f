import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Sealer } from './crypto/sealing.js';
import type { Logger } from './log.js';
import type { Store } from './store/store.js';
import type { KeyRing } from './tokens/keys.js';
import type { LambdaInvoker } from './triggers/lambdaClient.js';

/** Everything an operation may touch; each operation names the part it uses. */
export interface Deps {
  store: Store;
  clock: Clock;
  config: Config;
  sealer: Sealer;
  keys: KeyRing;
  log: Logger;
  /** Invokes triggers' functions; undefined when no Lambda endpoint is configured (docs/triggers.md). */
  lambda: LambdaInvoker | undefined;
}

export interface RequestContext {
  requestId: string;
  /** The URL this request reached the server at, for `iss` when no public URL is configured. */
  baseUrl: string;
  /** The request's ClientMetadata, for the triggers of the operations that take it (src/triggers/). */
  clientMetadata?: Record<string, string>;
}

export type Handler = (input: any, ctx: RequestContext) => Promise<unknown>;
export type OperationFactory = (deps: Deps) => Handler;
