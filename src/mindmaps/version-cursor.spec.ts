import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../common/errors/common.errors';
import { encodeKeysetCursor } from '../common/http/keyset-cursor';
import { decodeVersionCursor, encodeVersionCursor } from './version-cursor';

describe('version cursors', () => {
  it('round-trips a version position and refuses anything else', () => {
    expect(decodeVersionCursor(encodeVersionCursor('1234567890'))).toBe('1234567890');
    for (const raw of ['', 'djA', encodeKeysetCursor({ createdAt: new Date(), id: '3b2f6d0c-1c84-4c33-9d68-3bd1a7e2f9aa' }), Buffer.from('v12x').toString('base64url')]) {
      expect(() => decodeVersionCursor(raw)).toThrow(ValidationFailed);
    }
  });
});
