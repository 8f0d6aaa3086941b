import { ValidateBy, ValidationOptions } from 'class-validator';

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes standard padded base64, or returns undefined for anything else (no lenient decoding). */
export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !STANDARD_BASE64.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

/** Standard base64 (with padding) whose decoded length is within [min, max] bytes. */
export function IsBase64Bytes(min: number, max = min, options?: ValidationOptions): PropertyDecorator {
  const size = min === max ? `${min} bytes` : `${min}..${max} bytes`;
  return ValidateBy(
    {
      name: 'isBase64Bytes',
      validator: {
        validate: (value) => {
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
