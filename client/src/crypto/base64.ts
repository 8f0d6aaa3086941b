/**
 * Strict base64 codecs without Buffer (browser-safe). The contract uses standard base64 with
 * padding; share-link fragments use base64url without padding so they survive in a URL untouched.
 *
 * Decoding is strict — exact alphabet, exact padding, zero unused bits — so one byte string has
 * exactly one accepted encoding. A lenient decoder would let different strings open the same key.
 */
import { InvalidInputError } from './errors.js';

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function reverseTable(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const STANDARD_REVERSE = reverseTable(STANDARD);
const URL_SAFE_REVERSE = reverseTable(URL_SAFE);

const STANDARD_CODES = charCodes(STANDARD);
const URL_SAFE_CODES = charCodes(URL_SAFE);
const EQUALS = 0x3d;
/** Every byte `encode` writes is ASCII, which UTF-8 reads as itself. */
const ASCII = new TextDecoder();

function charCodes(alphabet: string): Uint8Array {
  return Uint8Array.from(alphabet, (c) => c.charCodeAt(0));
}

/**
 * Written as ASCII bytes, then read into one flat string: growing a string by `+=` builds a rope
 * of small pieces that costs many times the text until it is flattened, and a backup encodes
 * whole versions.
 */
function encode(bytes: Uint8Array, codes: Uint8Array, pad: boolean): string {
  const rest = bytes.length % 3;
  const out = new Uint8Array(Math.floor(bytes.length / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1));
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = codes[n >> 18]!;
    out[o++] = codes[(n >> 12) & 63]!;
    out[o++] = codes[(n >> 6) & 63]!;
    out[o++] = codes[n & 63]!;
  }
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out[o++] = codes[n >> 18]!;
    out[o++] = codes[(n >> 12) & 63]!;
    if (pad) out.fill(EQUALS, o);
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out[o++] = codes[n >> 18]!;
    out[o++] = codes[(n >> 12) & 63]!;
    out[o++] = codes[(n >> 6) & 63]!;
    if (pad) out.fill(EQUALS, o);
  }
  return ASCII.decode(out);
}

function decode(text: string, reverse: Int16Array, padded: boolean, what: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new InvalidInputError(`${what}: expected a string`);
  let body = text;
  if (padded) {
    if (text.length % 4 !== 0) throw new InvalidInputError(`${what}: length is not a multiple of 4`);
    if (text.endsWith('==')) body = text.slice(0, -2);
    else if (text.endsWith('=')) body = text.slice(0, -1);
  } else if (text.length % 4 === 1) {
    throw new InvalidInputError(`${what}: impossible length`);
  }
  const tail = body.length % 4;
  const out = new Uint8Array(Math.floor(body.length / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? reverse[c]! : -1;
    if (v < 0) throw new InvalidInputError(`${what}: invalid character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new InvalidInputError(`${what}: non-canonical trailing bits`);
  return out;
}

/** Standard base64 with padding, as every binary field of the HTTP contract. */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STANDARD_CODES, true);
}

export function fromBase64(text: string, what = 'base64 value'): Uint8Array<ArrayBuffer> {
  return decode(text, STANDARD_REVERSE, true, what);
}

/** base64url without padding (RFC 4648 §5), for URL fragments. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE_CODES, false);
}

export function fromBase64Url(text: string, what = 'base64url value'): Uint8Array<ArrayBuffer> {
  return decode(text, URL_SAFE_REVERSE, false, what);
}
