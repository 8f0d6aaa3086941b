import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { decodeBase64, IsBase64Bytes } from './base64';

class Probe {
  @IsBase64Bytes(4, 6)
  value: unknown;
}

const errorsFor = (value: unknown) => validateSync(Object.assign(new Probe(), { value }));

describe('base64 fields', () => {
  it('accepts standard padded base64 within the byte range', () => {
    expect(errorsFor(Buffer.alloc(4).toString('base64'))).toHaveLength(0);
    expect(errorsFor(Buffer.alloc(6).toString('base64'))).toHaveLength(0);
  });

  it.each([
    ['too short', Buffer.alloc(3).toString('base64')],
    ['too long', Buffer.alloc(7).toString('base64')],
    ['base64url alphabet', '-_-_-_-_'],
    ['missing padding', 'AAAAAA'],
    ['whitespace', 'AAAA AAAA'],
    ['not a string', 1234],
  ])('refuses %s', (_, value) => {
    expect(errorsFor(value)).toHaveLength(1);
  });

  it('decodes strictly', () => {
    expect(decodeBase64('AAE=')).toEqual(Buffer.from([0, 1]));
    expect(decodeBase64('')).toEqual(Buffer.alloc(0));
    for (const bad of ['AAE', 'A===', '=AAA', 'AA=A', 'AAA\u00e9', 'AA\n=']) expect(decodeBase64(bad), bad).toBeUndefined();
  });

  it('checks a 38 MiB string without overflowing the stack (the old regular expression threw RangeError)', () => {
    const huge = 'A'.repeat(38 * 1024 * 1024);
    expect(decodeBase64(huge)?.length).toBe((huge.length / 4) * 3);
    expect(errorsFor(huge)).toHaveLength(1);
  });
});
