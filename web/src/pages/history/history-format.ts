/**
 * How the history page words times and sizes: pure functions of their inputs (and of the
 * browser's time zone, for days), unit-tested.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "3 minutes ago", "2 hours ago", "yesterday", "5 days ago", "3 weeks ago", "2 months ago". */
export function relativeTime(then: Date, now: Date): string {
  const ago = now.getTime() - then.getTime();
  // A clock a little ahead (another device's) is not "in 3 seconds".
  if (ago < 45 * SECOND) return 'just now';
  if (ago < 45 * MINUTE) return relative.format(-Math.max(1, Math.round(ago / MINUTE)), 'minute');
  if (ago < 22 * HOUR) return relative.format(-Math.max(1, Math.round(ago / HOUR)), 'hour');
  const days = calendarDaysBetween(then, now);
  if (days <= 1) return days === 1 ? 'yesterday' : relative.format(-Math.round(ago / HOUR), 'hour');
  if (days < 14) return relative.format(-days, 'day');
  if (days < 60) return relative.format(-Math.round(days / 7), 'week');
  if (days < 365) return relative.format(-Math.round(days / 30), 'month');
  return relative.format(-Math.round(days / 365), 'year');
}

/** Local midnight of `date`'s day. */
function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** Whole local calendar days from `then`'s day to `now`'s (0: the same day). */
export function calendarDaysBetween(then: Date, now: Date): number {
  // Rounded: a day with a daylight-saving change is 23 or 25 hours long.
  return Math.round((startOfDay(now).getTime() - startOfDay(then).getTime()) / DAY);
}

/** "Today", "Yesterday", "Monday 3 November", and with the year when it is not this year's. */
export function dayLabel(day: Date, now: Date): string {
  const days = calendarDaysBetween(day, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const weekday = day.toLocaleDateString('en-GB', { weekday: 'long' });
  const date = day.toLocaleDateString('en-GB', { day: 'numeric', month: 'long' });
  return `${weekday} ${date}${day.getFullYear() === now.getFullYear() ? '' : ` ${day.getFullYear()}`}`;
}

/** "14:03": the time of day, as the list shows it beside the relative time. */
export function clockTime(date: Date): string {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** "3 November 2026 at 14:03" */
export function fullDate(date: Date): string {
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })} at ${clockTime(date)}`;
}

export interface DayGroup<T> {
  /** A stable key for the day (local YYYY-MM-DD). */
  key: string;
  label: string;
  items: T[];
}

/** Items grouped by local day, in the order given (newest first in, newest day first out). */
export function groupByDay<T>(items: readonly T[], dateOf: (item: T) => Date, now: Date): DayGroup<T>[] {
  const groups: DayGroup<T>[] = [];
  for (const item of items) {
    const date = dateOf(item);
    const key = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    let group = groups.find((g) => g.key === key);
    if (!group) {
      group = { key, label: dayLabel(date, now), items: [] };
      groups.push(group);
    }
    group.items.push(item);
  }
  return groups;
}

/** "under 1 kilobyte", "12 kilobytes", "1.4 megabytes": a size as a person says it (decimal units). */
export function sizeInWords(bytes: number): string {
  if (bytes < 1000) return 'under 1 kilobyte';
  const units: [number, string][] = [
    [1e9, 'gigabyte'],
    [1e6, 'megabyte'],
    [1e3, 'kilobyte'],
  ];
  for (const [size, name] of units) {
    if (bytes < size) continue;
    const value = bytes / size;
    const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
    // 999,999 bytes round to "1000 kilobytes": say "1 megabyte" instead.
    if (shown >= 1000 && name !== 'gigabyte') return sizeInWords(size * 1000);
    return `${shown} ${name}${shown === 1 ? '' : 's'}`;
  }
  return `${bytes} bytes`;
}
