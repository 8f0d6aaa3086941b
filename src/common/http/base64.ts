import { ValidateBy, ValidationOptions } from 'class-validator';

/** 1 for each character of the standard alphabet (A-Z a-z 0-9 + /), by char code. */
const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;

/**
 * Standard padded base64: a multiple of 4 characters of the alphabet, the last one or two of which
 * may be `=`. One loop, no regular expression: V8's backtracking matcher overflowed its stack on a
 * 38 MiB field (a 500 instead of a 400).
 */
function isStandardBase64(value: string): boolean {
  const length = value.length;
  if (length % 4 !== 0) return false;
  const padding = length > 0 && value.charCodeAt(length - 1) === 0x3d ? (value.charCodeAt(length - 2) === 0x3d ? 2 : 1) : 0;
  for (let i = 0; i < length - padding; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128 || ALPHABET[code] === 0) return false;
  }
  return true;
}

/** Decodes standard padded base64, or returns undefined for anything else (no lenient decoding). */
export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !isStandardBase64(value)) return undefined;
  return Buffer.from(value, 'base64');
}

/** Characters of padded base64 for `bytes` bytes. */
const encodedLength = (bytes: number) => Math.ceil(bytes / 3) * 4;

/** Standard base64 (with padding) whose decoded length is within [min, max] bytes. */
export function IsBase64Bytes(min: number, max = min, options?: ValidationOptions): PropertyDecorator {
  const size = min === max ? `${min} bytes` : `${min}..${max} bytes`;
  return ValidateBy(
    {
      name: 'isBase64Bytes',
      validator: {
        validate: (value) => {
          // The length alone refuses a field far too long before a character of it is looked at.
          if (typeof value !== 'string' || value.length < encodedLength(min) || value.length > encodedLength(max)) return false;
          const bytes = decodeBase64(value);
          return bytes !== undefined && bytes.length >= min && bytes.length <= max;
        },
        defaultMessage: (args) => `${args?.property} must be standard base64 of ${size}`,
      },
    },
    options,
  );
}

/** For values a DTO already validated as base64: decoding cannot fail there. */
export function fromBase64(value: string): Buffer {
  return decodeBase64(value) ?? Buffer.alloc(0);
}
