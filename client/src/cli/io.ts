import type { Fetch } from '../api/http-client.js';

/** Where a command reads and writes. Injected so commands are testable without spawning a process. */
export interface CliIo {
  /** Results (ids, links, documents): what a script pipes on. */
  out(line: string): void;
  /** Messages, warnings and errors. */
  err(line: string): void;
  /** Environment variables; process.env in the real CLI. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Redraws a one-line status (progress) in place, `null` ends it; only when stderr is a terminal. */
  status?(line: string | null): void;
  /** Reads a line without echoing it; present only when stdin is a terminal. */
  promptSecret?(prompt: string): Promise<string>;
  /** Reads all of stdin (for --password-stdin). */
  readStdin?(): Promise<string>;
  /** For in-process tests; the global fetch otherwise. */
  fetch?: Fetch;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Bad usage: unknown command or option, as most Unix tools do. */
export const EXIT_USAGE = 2;

/** Wrong arguments: reported with the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure with a message for the user (no stack trace), exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** The command's positional arguments, exactly as many as `names`. */
export function positionals(values: string[], ...names: string[]): string[] {
  if (values.length !== names.length) {
    throw new UsageError(names.length === 0 ? 'takes no arguments' : `expected ${names.join(' ')}`);
  }
  return values;
}
