import type { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const ALIASES: Record<string, LogLevel | 'silent'> = {
  fatal: 'fatal', error: 'error', warn: 'warn', info: 'log', debug: 'debug', trace: 'verbose', silent: 'silent',
};

/** LOG_LEVEL (info, warn, …) as the list of Nest levels it enables. */
export function nestLogLevels(level: string): LogLevel[] {
  const mapped = ALIASES[level] ?? 'log';
  return mapped === 'silent' ? [] : ORDER.slice(0, ORDER.indexOf(mapped) + 1);
}
