import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../errors/common.errors';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';

describe('keyset cursors', () => {
  it('round-trips the position of the last item', () => {
    const cursor = { createdAt: new Date('2026-11-25T08:00:00.123Z'), id: '3b2f6d0c-1c84-4c33-9d68-3bd1a7e2f9aa' };
    expect(decodeKeysetCursor(encodeKeysetCursor(cursor))).toEqual(cursor);
  });

  it('keeps the wire format clients already hold: base64url of [createdAt ISO, id]', () => {
    const raw = Buffer.from('["2026-11-25T08:00:00.123Z","3b2f6d0c-1c84-4c33-9d68-3bd1a7e2f9aa"]').toString('base64url');
    const cursor = { createdAt: new Date('2026-11-25T08:00:00.123Z'), id: '3b2f6d0c-1c84-4c33-9d68-3bd1a7e2f9aa' };
    expect(encodeKeysetCursor(cursor)).toBe(raw);
    expect(decodeKeysetCursor(raw)).toEqual(cursor);
  });

  it.each(['', 'not-base64!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["nope","x"]').toString('base64url')])(
    'refuses %j as VALIDATION_FAILED',
    (raw) => {
      expect(() => decodeKeysetCursor(raw)).toThrow(ValidationFailed);
    },
  );
});
