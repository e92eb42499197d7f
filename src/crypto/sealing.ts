/**
 * Sealing of secrets at rest (TOTP seeds, refresh-token material ...) with AES-256-GCM.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part unpadded base64url; iv is 12 random bytes drawn
 * per seal, tag is 16 bytes. The optional `aad` (for instance `poolId/username`) is authenticated
 * but not stored, so a sealed value copied to another row fails to open there. No `aad` and an
 * empty `aad` are the same thing. The version prefix is itself authenticated.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeBase64UrlStrict } from './constantTime.js';
import { randomBytesPooled } from './random.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Thrown by Sealer.open for anything that does not open: malformed, tampered, wrong key or AAD. */
export class SealError extends Error {
  constructor(message = 'sealed value could not be opened') {
    super(message);
    this.name = 'SealError';
  }
}

function aadBytes(aad: string | undefined): Buffer {
  return Buffer.from(`cognate-seal:${VERSION}:${aad ?? ''}`, 'utf8');
}

export class Sealer {
  readonly #key: Buffer;
  /** A key for mac(), derived from the sealing key so that one key is never used for both. */
  readonly #macKey: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new TypeError('Sealer: key must be 32 bytes');
    this.#key = Buffer.from(key);
    this.#macKey = createHmac('sha256', this.#key).update('cognate-mac-key:v1').digest();
  }

  /**
   * HMAC-SHA256 of `label` under a key derived from the sealing key: values every process with the
   * same key derives alike and nobody without it can predict (the fake SRP salts of unknown users).
   */
  mac(label: string): Buffer {
    return createHmac('sha256', this.#macKey).update(label, 'utf8').digest();
  }

  seal(plain: Buffer | string, aad?: string): string {
    const iv = randomBytesPooled(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadBytes(aad));
    const data = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain;
    const ct = Buffer.concat([cipher.update(data), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');
  }

  /** Throws SealError unless `sealed` was produced by seal() under this key with the same aad. */
  open(sealed: string, aad?: string): Buffer {
    if (typeof sealed !== 'string') throw new SealError('sealed value must be a string');
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SealError('unknown sealed format');
    const iv = decodeBase64UrlStrict(parts[1]!);
    const ct = decodeBase64UrlStrict(parts[2]!);
    const tag = decodeBase64UrlStrict(parts[3]!);
    if (!iv || iv.length !== IV_BYTES || !ct || !tag || tag.length !== TAG_BYTES) throw new SealError('malformed sealed value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aadBytes(aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]);
    } catch {
      throw new SealError();
    }
  }
}

const KEY_HEX = /^[0-9a-fA-F]{64}$/;

function parseKeyHex(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!KEY_HEX.test(trimmed)) throw new Error(`${source}: expected 64 hexadecimal characters (a 32-byte key)`);
  return Buffer.from(trimmed, 'hex');
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/**
 * The sealing key: `keyHex` when given (64 hex characters, validated); otherwise the hex text in
 * `keyFile`; otherwise a new random key written there with mode 0600 (its directory is created
 * with mode 0700 when missing). The new file is written to a private temporary name (flag 'wx')
 * and published with link(2), which fails instead of overwriting: when two processes race, the
 * loser reads the winner's key, and nobody ever sees a half-written file.
 */
export function loadOrCreateKey(opts: { keyHex?: string; keyFile: string }): Buffer {
  if (opts.keyHex !== undefined && opts.keyHex !== '') return parseKeyHex(opts.keyHex, 'sealing key');
  const { keyFile } = opts;
  try {
    return parseKeyHex(readFileSync(keyFile, 'utf8'), keyFile);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const tmp = `${keyFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${key.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    chmodSync(tmp, 0o600); // exactly 0600 whatever the umask
    try {
      linkSync(tmp, keyFile);
      return key;
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return parseKeyHex(readFileSync(keyFile, 'utf8'), keyFile);
      if (!isErrno(err, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV')) throw err;
    }
    // File systems without hard links: exclusive create of the key file itself.
    try {
      writeFileSync(keyFile, `${key.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
      return key;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      return readWhenComplete(keyFile);
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/** Reads a key file another process may still be writing (only on the no-link fallback path). */
function readWhenComplete(keyFile: string): Buffer {
  const deadline = Date.now() + 2000;
  for (;;) {
    const text = readFileSync(keyFile, 'utf8');
    if (text.trim().length >= 64 || Date.now() > deadline) return parseKeyHex(text, keyFile);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}
