import { describe, expect, it } from 'vitest';
import { compareEventIds, idForNow, parseEventId, replayIsComplete } from './event-id';

const WINDOW = 60_000;
const NOW = 1_800_000_000_000;

describe('replayIsComplete', () => {
  it('trusts an id the log still covers, and not one older than what it trimmed', () => {
    const state = { exists: true, lastId: `${NOW}-3`, maxDeletedId: `${NOW - 10}-0` };
    expect(replayIsComplete(`${NOW - 10}-0`, state, WINDOW, NOW)).toBe(true);
    expect(replayIsComplete(`${NOW - 5}-1`, state, WINDOW, NOW)).toBe(true);
    expect(replayIsComplete(`${NOW - 11}-0`, state, WINDOW, NOW)).toBe(false);
  });

  it('refuses an id newer than anything the log issued (another log, a wiped one)', () => {
    expect(replayIsComplete(`${NOW}-4`, { exists: true, lastId: `${NOW}-3` }, WINDOW, NOW)).toBe(false);
  });

  it('after the log expired, trusts only an id younger than the window (no event came since)', () => {
    expect(replayIsComplete(idForNow(NOW - WINDOW + 1), { exists: false }, WINDOW, NOW)).toBe(true);
    expect(replayIsComplete(idForNow(NOW - WINDOW - 1), { exists: false }, WINDOW, NOW)).toBe(false);
  });

  it('refuses what is not an event id', () => {
    expect(replayIsComplete('abc', { exists: true, lastId: `${NOW}-0` }, WINDOW, NOW)).toBe(false);
    expect(parseEventId('1-2-3')).toBeUndefined();
  });

  it('orders ids by time, then sequence', () => {
    expect(compareEventIds(parseEventId('5-9')!, parseEventId('6-0')!)).toBeLessThan(0);
    expect(compareEventIds(parseEventId('6-1')!, parseEventId('6-0')!)).toBeGreaterThan(0);
  });
});
