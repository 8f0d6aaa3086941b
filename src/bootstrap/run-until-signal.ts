import { Logger } from '@nestjs/common';

/** On SIGTERM/SIGINT: stop taking work, let in-flight work finish, then exit. */
export function runUntilSignal(shutdown: () => Promise<void>): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: finishing in-flight work`);
      shutdown().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
          process.exit(1);
        },
      );
    });
  }
}
