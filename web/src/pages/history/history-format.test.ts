import { describe, expect, it } from 'vitest';
import { calendarDaysBetween, dayLabel, groupByDay, relativeTime, sizeInWords } from './history-format';

// Local times: the page words days in the browser's own time zone.
const NOW = new Date(2026, 11, 7, 15, 30, 0);
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('how the history page words times', () => {
  it('says how long ago, in words', () => {
    expect(relativeTime(ago(5_000), NOW)).toBe('just now');
    expect(relativeTime(new Date(NOW.getTime() + 10_000), NOW)).toBe('just now');
    expect(relativeTime(ago(60_000), NOW)).toBe('1 minute ago');
    expect(relativeTime(ago(3 * MIN), NOW)).toBe('3 minutes ago');
    expect(relativeTime(ago(50 * MIN), NOW)).toBe('1 hour ago');
    expect(relativeTime(ago(5 * HOUR), NOW)).toBe('5 hours ago');
    expect(relativeTime(new Date(2026, 11, 6, 9, 0), NOW)).toBe('yesterday');
    expect(relativeTime(new Date(2026, 11, 2, 9, 0), NOW)).toBe('5 days ago');
    expect(relativeTime(ago(21 * DAY), NOW)).toBe('3 weeks ago');
    expect(relativeTime(ago(90 * DAY), NOW)).toBe('3 months ago');
    expect(relativeTime(ago(800 * DAY), NOW)).toBe('2 years ago');
  });

  it('names days: today, yesterday, then the date (the year only when another)', () => {
    expect(dayLabel(new Date(2026, 11, 7, 0, 1), NOW)).toBe('Today');
    expect(dayLabel(new Date(2026, 11, 6, 23, 59), NOW)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 3, 12), NOW)).toBe('Tuesday 3 November');
    expect(dayLabel(new Date(2025, 10, 3, 12), NOW)).toBe('Monday 3 November 2025');
    expect(calendarDaysBetween(new Date(2026, 11, 6, 23, 59), new Date(2026, 11, 7, 0, 1))).toBe(1);
  });

  it('groups versions by day, newest day first, keeping their order', () => {
    const times = [ago(MIN), ago(2 * HOUR), new Date(2026, 11, 6, 20), new Date(2026, 11, 6, 8), new Date(2026, 10, 20, 8)];
    const groups = groupByDay(times, (t) => t, NOW);
    expect(groups.map((g) => [g.label, g.items.length])).toEqual([
      ['Today', 2],
      ['Yesterday', 2],
      ['Friday 20 November', 1],
    ]);
    expect(groups[1]!.items[0]).toBe(times[2]);
  });
});

describe('sizes in words', () => {
  it('says kilobytes and megabytes, rounding as a person would', () => {
    expect(sizeInWords(0)).toBe('under 1 kilobyte');
    expect(sizeInWords(999)).toBe('under 1 kilobyte');
    expect(sizeInWords(1000)).toBe('1 kilobyte');
    expect(sizeInWords(2_345)).toBe('2.3 kilobytes');
    expect(sizeInWords(12_600)).toBe('13 kilobytes');
    expect(sizeInWords(999_999)).toBe('1 megabyte');
    expect(sizeInWords(1_450_000)).toBe('1.5 megabytes');
    expect(sizeInWords(3_200_000_000)).toBe('3.2 gigabytes');
  });
});
