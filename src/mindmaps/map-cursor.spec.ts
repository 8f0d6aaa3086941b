import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../common/errors/common.errors';
import { decodeCursor, decodeVersionCursor, encodeCursor, encodeVersionCursor } from './map-cursor';

describe('map cursors', () => {
  it('round-trips the position of the last item', () => {
    const cursor = { createdAt: new Date('2026-11-25T08:00:00.123Z'), id: '3b2f6d0c-1c84-4c33-9d68-3bd1a7e2f9aa' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'not-base64!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["nope","x"]').toString('base64url')])(
    'refuses %j as VALIDATION_FAILED',
    (raw) => {
      expect(() => decodeCursor(raw)).toThrow(ValidationFailed);
    },
  );

  it('round-trips a version position and refuses anything else', () => {
    expect(decodeVersionCursor(encodeVersionCursor('1234567890'))).toBe('1234567890');
    for (const raw of ['', 'djA', encodeCursor({ createdAt: new Date(), id: '3b2f6d0c-1c84-4c33-9d68-3bd1a7e2f9aa' }), Buffer.from('v12x').toString('base64url')]) {
      expect(() => decodeVersionCursor(raw)).toThrow(ValidationFailed);
    }
  });
});
