import { NestFactory } from '@nestjs/core';
import { nestLogLevels } from '../bootstrap/log-levels';
import { AppConfig, loadConfig } from '../config/app-config';
import { openEmbeddedPostgres, RunningDatabase } from '../database/embedded-postgres';
import { backupCommand, restoreCommand } from './backup.command';
import { CliModule } from './cli.module';
import { CreateAdminCommand } from './create-admin.command';
import { PromoteCommand } from './promote.command';

const USAGE = 'usage: npm run cli -- promote EMAIL | create-admin EMAIL | backup FILE | restore FILE';
const ACCOUNT_COMMANDS = new Set(['promote', 'create-admin']);
const FILE_COMMANDS = new Set(['backup', 'restore']);

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs one command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function runCli(args: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  const valid = rest.length === 1 && (FILE_COMMANDS.has(command) || (ACCOUNT_COMMANDS.has(command) && rest[0].includes('@')));
  if (!valid) {
    io.err(USAGE);
    return 2;
  }
  // Quieter than the server: the command's own answer is what the operator wants to read.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...env });
  const database = await openDatabase(config);
  try {
    if (command === 'backup') return await backupCommand(config, database.url, rest[0], io);
    if (command === 'restore') return await restoreCommand(config, database.url, rest[0], io);
    const email = rest[0];
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, database.url), {
      logger: nestLogLevels(config.logLevel),
    });
    try {
      const outcome =
        command === 'create-admin' ? await app.get(CreateAdminCommand).run(email) : await app.get(PromoteCommand).run(email);
      switch (outcome) {
        case 'promoted':
          io.out(`${email} is now an administrator`);
          return 0;
        case 'already-admin':
          io.out(`${email} is already an administrator`);
          return 0;
        case 'admin-exists':
          io.err('an administrator exists already: use `promote EMAIL` or the admin API');
          return 1;
        case 'not-found':
          io.err(`no account with the email ${email}: register it through a client first (the server never sees passwords)`);
          return 1;
      }
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}

/**
 * DATABASE_URL, else the DATA_DIR's embedded PostgreSQL: the running server's if it is up (found by
 * the cluster it records, whatever port this command was given), else one started for this command.
 */
function openDatabase(config: AppConfig): Promise<RunningDatabase> {
  if (config.database.url) return Promise.resolve({ url: config.database.url, stop: async () => {} });
  return openEmbeddedPostgres(config.database.dataDir, config.database.embeddedPort);
}
