import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Sealer } from '../crypto/sealing.js';
import type { SigningKeyRecord, Store } from '../store/store.js';

const generateRsa = promisify(generateKeyPair);

export interface PublicKeyEntry {
  kid: string;
  poolId: string;
  use: 'access' | 'id';
  key: KeyObject;
  jwk: Record<string, unknown>;
}

export interface PrivateKeyEntry {
  kid: string;
  key: KeyObject;
}

/**
 * Per-pool RSA signing keys, kept in the database (private halves sealed) and held in memory once
 * imported: keys never change after a pool is created, so the cache can never be stale.
 */
export class KeyRing {
  private readonly publicByKid = new Map<string, PublicKeyEntry>();
  private readonly privateByPool = new Map<string, { access: PrivateKeyEntry; id: PrivateKeyEntry }>();

  constructor(
    private readonly store: Store,
    private readonly sealer: Sealer,
  ) {}

  /** Two keys per pool: access and ID tokens are signed with different keys, as in Cognito. */
  static async generatePoolKeys(poolId: string, sealer: Sealer, now: number): Promise<SigningKeyRecord[]> {
    const make = async (use: 'access' | 'id'): Promise<SigningKeyRecord> => {
      const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
      const kid = randomBytes(32).toString('base64');
      const publicJwk = { ...publicKey.export({ format: 'jwk' }), alg: 'RS256', kid, use: 'sig' };
      return {
        kid,
        poolId,
        use,
        privateJwkSealed: sealer.seal(JSON.stringify(privateKey.export({ format: 'jwk' })), `key/${kid}`),
        publicJwk: JSON.stringify(publicJwk),
        createdAt: now,
      };
    };
    return Promise.all([make('access'), make('id')]);
  }

  async signingKeys(poolId: string): Promise<{ access: PrivateKeyEntry; id: PrivateKeyEntry } | undefined> {
    const cached = this.privateByPool.get(poolId);
    if (cached) return cached;
    const records = await this.store.getSigningKeys(poolId);
    const pick = (use: 'access' | 'id') => {
      const record = records.find((r) => r.use === use);
      if (!record) return undefined;
      const jwk = JSON.parse(this.sealer.open(record.privateJwkSealed, `key/${record.kid}`).toString('utf8'));
      return { kid: record.kid, key: createPrivateKey({ key: jwk, format: 'jwk' }) };
    };
    const access = pick('access');
    const id = pick('id');
    if (!access || !id) return undefined;
    const entry = { access, id };
    this.privateByPool.set(poolId, entry);
    return entry;
  }

  async publicKey(kid: string): Promise<PublicKeyEntry | undefined> {
    const cached = this.publicByKid.get(kid);
    if (cached) return cached;
    const record = await this.store.getSigningKey(kid);
    if (!record) return undefined;
    const jwk = JSON.parse(record.publicJwk);
    const entry: PublicKeyEntry = {
      kid,
      poolId: record.poolId,
      use: record.use,
      key: createPublicKey({ key: jwk, format: 'jwk' }),
      jwk,
    };
    this.publicByKid.set(kid, entry);
    return entry;
  }

  /** The pool's JSON Web Key Set (RFC 7517 section 5). */
  async jwks(poolId: string): Promise<{ keys: Record<string, unknown>[] }> {
    const records = await this.store.getSigningKeys(poolId);
    return { keys: records.map((r) => JSON.parse(r.publicJwk)) };
  }

  forgetPool(poolId: string): void {
    this.privateByPool.delete(poolId);
    for (const [kid, entry] of this.publicByKid) if (entry.poolId === poolId) this.publicByKid.delete(kid);
  }
}
