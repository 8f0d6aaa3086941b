import { describe, expect, it } from 'vitest';
import { versionCharge, versionsCharge } from './charge';

const charges = { minVersionBytes: 1024, mapBytes: 1024 };

describe('versionCharge', () => {
  it('charges the minimum for a body smaller than it', () => {
    expect(versionCharge(0, charges)).toBe(1024);
    expect(versionCharge(1, charges)).toBe(1024);
  });

  it('charges the body size from the minimum up', () => {
    expect(versionCharge(1024, charges)).toBe(1024);
    expect(versionCharge(1025, charges)).toBe(1025);
  });

  it('charges the body size alone when the minimum is 0', () => {
    expect(versionCharge(1, { minVersionBytes: 0, mapBytes: 0 })).toBe(1);
  });

  it('sums the charges of several versions', () => {
    expect(versionsCharge([{ sizeBytes: 1 }, { sizeBytes: 2000 }], charges)).toBe(3024);
    expect(versionsCharge([], charges)).toBe(0);
  });
});
