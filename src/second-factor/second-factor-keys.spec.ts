import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { SecondFactorKeys } from './second-factor-keys';

const keysWith = (secret: string) => new SecondFactorKeys({ auth: { secondFactorSecret: secret } } as AppConfig);
const alice = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const bob = '9b2c1f4e-7d3a-4c5b-8e6f-1a2b3c4d5e6f';

describe('SecondFactorKeys', () => {
  const keys = keysWith('s'.repeat(40));

  it('seals a TOTP secret that opens only for its user, under its key, unaltered', () => {
    const sealed = keys.seal(alice, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(sealed.includes(Buffer.from('JBSWY3DP'))).toBe(false);
    expect(keys.open(alice, sealed)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(() => keys.open(bob, sealed)).toThrow();
    expect(() => keysWith('t'.repeat(40)).open(alice, sealed)).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[20] = flipped[20]! ^ 1;
    expect(() => keys.open(alice, flipped)).toThrow();
    expect(keys.seal(alice, 'same')).not.toEqual(keys.seal(alice, 'same'));
  });

  it('hashes backup codes per user and per key', () => {
    expect(keys.codeHash(alice, 'abcdefghjk')).toEqual(keys.codeHash(alice, 'abcdefghjk'));
    expect(keys.codeHash(alice, 'abcdefghjk')).not.toEqual(keys.codeHash(bob, 'abcdefghjk'));
    expect(keysWith('t'.repeat(40)).codeHash(alice, 'abcdefghjk')).not.toEqual(keys.codeHash(alice, 'abcdefghjk'));
  });
});
