/** Where a command writes. Injected so commands are testable without spawning a process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Bad usage: unknown command or option, as most Unix tools do. */
export const EXIT_USAGE = 2;
