import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('mindvault CLI', () => {
  it('prints usage for --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/usage: mindvault <command>[\s\S]*selftest/);
  });

  it('exits 2 with usage for no command or an unknown one', async () => {
    expect(await run([], capture().io)).toBe(2);
    const { io, err } = capture();
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command 'frobnicate'/);
  });

  it('exits 2 for an unknown option', async () => {
    const { io, err } = capture();
    expect(await run(['selftest', '--nope'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--nope/);
  });

  it('runs the local selftest', async () => {
    const { io, out } = capture();
    expect(await run(['selftest', '--fast'], io)).toBe(0);
    expect(out.at(-1)).toBe('selftest ok');
  });
});
