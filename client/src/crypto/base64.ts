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

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
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
  return encode(bytes, STANDARD, true);
}

export function fromBase64(text: string, what = 'base64 value'): Uint8Array<ArrayBuffer> {
  return decode(text, STANDARD_REVERSE, true, what);
}

/** base64url without padding (RFC 4648 §5), for URL fragments. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

export function fromBase64Url(text: string, what = 'base64url value'): Uint8Array<ArrayBuffer> {
  return decode(text, URL_SAFE_REVERSE, false, what);
}
