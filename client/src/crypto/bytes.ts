/** Byte helpers shared by the crypto modules. WebCrypto only: no Node APIs. */
import { CryptoUnavailableError } from './errors.js';

const utf8Encoder = new TextEncoder();
// NOTE: fatal, so invalid UTF-8 throws instead of silently becoming U+FFFD.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function webCrypto(): typeof globalThis.crypto {
  const c = globalThis.crypto;
  if (c?.subtle === undefined || typeof c.getRandomValues !== 'function') {
    throw new CryptoUnavailableError(
      'WebCrypto (globalThis.crypto.subtle) is unavailable; browsers expose it only in secure contexts (https)',
    );
  }
  return c;
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  webCrypto().getRandomValues(out);
  return out;
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Constant-time in the contents (not the length), for comparing key material. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * WebCrypto's BufferSource wants bytes backed by a plain ArrayBuffer; noble and callers may hand
 * us views over a SharedArrayBuffer-typed buffer, so copy only when the type says we must.
 */
export function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Best-effort wipe of secrets we own; JS gives no guarantee copies do not linger elsewhere. */
export function wipe(...buffers: Uint8Array[]): void {
  for (const b of buffers) b.fill(0);
}
