import { randomFillSync } from 'node:crypto';

/**
 * Small CSPRNG values (secrets, IVs, session ids) from a pool filled 8 KiB at a time, as Node's own
 * randomUUID does: on a virtual machine each randomBytes call can cost more than the request it
 * serves. Every byte is handed out once and comes from node:crypto's CSPRNG.
 */
const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_BYTES / 4) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  // Used bytes are cleared, so the pool never holds a value that was handed out.
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}
