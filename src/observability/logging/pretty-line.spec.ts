import { describe, expect, it } from 'vitest';
import { prettyLine } from './pretty-line';

describe('prettyLine', () => {
  it('puts time, level, context and message first, then the other fields', () => {
    const line = JSON.stringify({ level: 'info', time: '2026-11-26T12:00:01.234Z', pid: 7, context: 'Http', msg: 'request', status: 200, route: '/api/x' });
    expect(prettyLine(line, false)).toBe('12:00:01.234 INFO  [Http] request status=200 route=/api/x\n');
  });

  it('prints an error stack under its line and passes non-JSON through', () => {
    const line = JSON.stringify({ level: 'error', time: '2026-11-26T12:00:01.234Z', msg: 'boom', err: { message: 'x', stack: 'Error: x\n    at y' } });
    expect(prettyLine(line, false)).toBe('12:00:01.234 ERROR boom\nError: x\n    at y\n');
    expect(prettyLine('plain\n', false)).toBe('plain\n');
  });
});
