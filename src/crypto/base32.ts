/** RFC 4648 §6 Base32: upper-case alphabet, encoded without padding. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOOKUP: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) {
    t[ALPHABET.charCodeAt(i)] = i;
    t[ALPHABET.toLowerCase().charCodeAt(i)] = i;
  }
  return t;
})();

export function base32Encode(data: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes Base32, case-insensitively; trailing '=' padding is optional (and not counted). Throws a TypeError on any
 * character outside the alphabet (including '=' anywhere but the end, and whitespace) and on
 * lengths no encoder can produce (1, 3 or 6 symbols in the last group).
 */
export function base32Decode(text: string): Buffer {
  if (typeof text !== 'string') throw new TypeError('base32: expected a string');
  const body = text.replace(/=+$/, '');
  const rem = body.length % 8;
  if (rem === 1 || rem === 3 || rem === 6) throw new TypeError('base32: invalid length');
  const out = Buffer.alloc(Math.floor((body.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new TypeError(`base32: invalid character at offset ${i}`);
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}
