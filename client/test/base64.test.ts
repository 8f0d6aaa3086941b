import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, InvalidInputError, toBase64, toBase64Url } from '../src/index.js';

describe('base64', () => {
  it('matches Node for every length 0..64 and both alphabets', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = Uint8Array.from(randomBytes(n));
      const std = Buffer.from(bytes).toString('base64');
      const url = Buffer.from(bytes).toString('base64url');
      expect(toBase64(bytes)).toBe(std);
      expect(toBase64Url(bytes)).toBe(url);
      expect(fromBase64(std)).toEqual(bytes);
      expect(fromBase64Url(url)).toEqual(bytes);
    }
  });

  it.each([
    ['missing padding', 'QQ'],
    ['bad length', 'QUJD='],
    ['padding in the middle', 'QQ==QUJD'],
    ['url alphabet in standard', 'ab-_'],
    ['whitespace', 'QUJD\n'],
    ['non-canonical trailing bits', 'QR=='],
    ['non-ascii', 'QUJ\u00e9'],
  ])('rejects %s in standard base64', (_name, text) => {
    expect(() => fromBase64(text)).toThrow(InvalidInputError);
  });

  it.each([
    ['padding', 'QQ=='],
    ['standard alphabet', 'ab+/'],
    ['impossible length', 'QUJDR'],
  ])('rejects %s in base64url', (_name, text) => {
    expect(() => fromBase64Url(text)).toThrow(InvalidInputError);
  });
});
