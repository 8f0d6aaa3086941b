import pino, { DestinationStream, Logger } from 'pino';
import type { AppConfig } from '../../config/app-config';
import { prettyLine } from './pretty-line';

/**
 * The process's one pino logger: LOG_LEVEL as pino's level, JSON lines (or human-readable ones with
 * LOG_FORMAT=pretty) on stdout. NOTE: process.stdout rather than pino's own fd writer, so whatever
 * watches the process's output (the log scan in the security suite) sees every line.
 */
export function createPinoLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>): Logger {
  const destination: DestinationStream =
    config.logFormat === 'pretty' ? { write: (line: string) => void process.stdout.write(prettyLine(line, process.stdout.isTTY)) } : process.stdout;
  return pino(
    {
      level: config.logLevel,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
