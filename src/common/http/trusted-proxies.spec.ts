import { describe, expect, it } from 'vitest';
import { trustedProxyCheck } from './trusted-proxies';

describe('trustedProxyCheck', () => {
  it('matches addresses, CIDRs and named ranges, IPv4-mapped peers included', () => {
    const trusted = trustedProxyCheck(['10.0.0.0/8', '192.0.2.7', 'loopback']);
    expect(['10.1.2.3', '192.0.2.7', '127.0.0.1', '::1', '::ffff:10.9.9.9'].map(trusted)).toEqual([true, true, true, true, true]);
    expect(['11.0.0.1', '192.0.2.8', '::2', '', 'not-an-ip'].map(trusted)).toEqual([false, false, false, false, false]);
  });

  it('trusts nobody when the list is empty', () => {
    expect(trustedProxyCheck([])('127.0.0.1')).toBe(false);
  });
});
