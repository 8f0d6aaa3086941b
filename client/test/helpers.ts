import { createDecipheriv } from 'node:crypto';
import { INSECURE_TEST_KDF_POLICY, type NewKdfOptions } from '../src/index.js';

/** Tiny Argon2 cost: keeps each derivation at a few milliseconds. */
export const FAST_KDF: NewKdfOptions = {
  kdfCost: { memoryKiB: 256, iterations: 1, parallelism: 1 },
  policy: INSECURE_TEST_KDF_POLICY,
};

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A copy of `bytes` with one bit of byte `index` flipped. */
export function flipped(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index]! ^= mask;
  return copy;
}

/** Every index in [start, end): exhaustive where a region is small, so each byte is tried. */
export function range(start: number, end: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i += step) out.push(i);
  return out;
}

/**
 * Independent AES-256-GCM open (node:crypto, not WebCrypto): checks the documented byte layout
 * `prefix || nonce || ciphertext || tag` with AAD `prefix || nonce || purpose` from the outside.
 */
export function openIndependently(key: Uint8Array, blob: Uint8Array, prefixLength: number, purpose: string | Uint8Array): Uint8Array {
  const headerEnd = prefixLength + 12;
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(prefixLength, headerEnd));
  decipher.setAAD(Buffer.concat([blob.subarray(0, headerEnd), typeof purpose === 'string' ? Buffer.from(purpose, 'utf8') : purpose]));
  decipher.setAuthTag(blob.subarray(blob.length - 16));
  return Uint8Array.from(Buffer.concat([decipher.update(blob.subarray(headerEnd, blob.length - 16)), decipher.final()]));
}
