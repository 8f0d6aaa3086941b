/**
 * The `mindvault` command: dispatch only. Each command lives in commands/ and gets its own
 * arguments and the injected io; server-backed commands (login, ls, pull, push, share) come with
 * the API client in src/api.
 */
import { MindvaultCryptoError } from '../crypto/errors.js';
import { selftest, selftestUsage } from './commands/selftest.js';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './io.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, { run: Command; usage: string }> = {
  selftest: { run: selftest, usage: selftestUsage },
};

export function usage(): string {
  return ['usage: mindvault <command> [options]', '', 'commands:', ...Object.values(commands).map((c) => `  ${c.usage}`)].join('\n');
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    io.err(`mindvault: unknown command '${name}'\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // parseArgs signals bad options with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`mindvault ${name}: ${(error as Error).message}`);
      return EXIT_USAGE;
    }
    if (error instanceof MindvaultCryptoError) {
      io.err(`mindvault ${name}: ${error.name}: ${error.message}`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}
