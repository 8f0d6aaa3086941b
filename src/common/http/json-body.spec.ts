import { describe, expect, it } from 'vitest';
import { nestingDepthExceeds } from './json-body';

describe('nestingDepthExceeds', () => {
  const depth = (json: string, max: number) => nestingDepthExceeds(Buffer.from(json), max);

  it('counts arrays and objects alike', () => {
    expect(depth('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(depth('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(depth('['.repeat(10_000), 32)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(depth(`{"a":"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(depth(`{"a":"\\"[[[[","b":1}`, 1)).toBe(false);
    expect(depth(`["\\\\",[[1]]]`, 2)).toBe(true);
  });
});
