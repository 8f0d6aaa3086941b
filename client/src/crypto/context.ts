/**
 * The one byte encoding every v2 label, AAD, MAC input and HKDF info is built from:
 *
 *   ctx(f1, f2, …) = u16be(len f1) || f1 || u16be(len f2) || f2 || …
 *
 * Each field is length-prefixed, so no two different field lists encode to the same bytes (a
 * plain concatenation of a mapId and a keyVersion could be re-split). Strings are UTF-8; ids are
 * the 16 raw bytes of the UUID; integers are fixed-width big-endian (u32 or u64).
 */
import { concatBytes, utf8 } from './bytes.js';
import { InvalidInputError } from './errors.js';

export type ContextField = string | Uint8Array;

export function ctx(...fields: ContextField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    const bytes = typeof field === 'string' ? utf8(field) : field;
    if (bytes.length > 0xffff) throw new InvalidInputError('context field longer than 65535 bytes');
    parts.push(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);
  }
  return concatBytes(...parts);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 16 raw bytes of a UUID in its canonical text form (any case). */
export function uuidBytes(id: string, what = 'id'): Uint8Array {
  if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidInputError(`${what} must be a UUID`);
  const hex = id.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Canonical lower-case text of 16 raw UUID bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function u32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new InvalidInputError('u32 out of range');
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) >>> 0) + (bytes[offset + 1]! << 16) + (bytes[offset + 2]! << 8) + bytes[offset + 3]!;
}

/** u64 big-endian; JavaScript numbers keep integers exact only up to 2^53 - 1, so that is the cap. */
export function u64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidInputError('u64 out of range');
  const high = Math.floor(value / 0x100000000);
  return concatBytes(u32(high), u32(value - high * 0x100000000));
}

/** Returns undefined above 2^53 - 1 (never written by this client). */
export function readU64(bytes: Uint8Array, offset: number): number | undefined {
  const value = readU32(bytes, offset) * 0x100000000 + readU32(bytes, offset + 4);
  return Number.isSafeInteger(value) ? value : undefined;
}
