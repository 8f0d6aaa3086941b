/**
 * The `mindvault` command: dispatch and error reporting only. Each command lives in commands/
 * and gets its arguments and a CliContext (config directory, server, password source).
 */
import { ApiError, NetworkError, SessionExpiredError } from '../api/api-error.js';
import { MindvaultCryptoError } from '../crypto/errors.js';
import { MergeConflictError, RollbackError, TamperingError, WrongPasswordError } from '../vault/errors.js';
import * as account from './commands/account.js';
import { backup, backupUsage, exportAccount, exportAccountUsage, importBackup, importBackupUsage } from './commands/export.js';
import * as maps from './commands/maps.js';
import { recover, recoverUsage, recoveryKey, recoveryKeyUsage } from './commands/recovery.js';
import { secondFactor, secondFactorUsage } from './commands/second-factor.js';
import { selftest, selftestUsage } from './commands/selftest.js';
import * as sharing from './commands/sharing.js';
import { watch, watchUsage } from './commands/watch.js';
import { CliContext, DEFAULT_SERVER, ENV } from './context.js';
import { CliError, type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './io.js';

type Command = (args: string[], ctx: CliContext) => Promise<number>;

const commands: Record<string, { run: Command; usage: string }> = {
  register: { run: account.register, usage: account.registerUsage },
  login: { run: account.login, usage: account.loginUsage },
  logout: { run: account.logout, usage: account.logoutUsage },
  status: { run: account.status, usage: account.statusUsage },
  ls: { run: maps.ls, usage: maps.lsUsage },
  new: { run: maps.newMap, usage: maps.newUsage },
  push: { run: maps.push, usage: maps.pushUsage },
  pull: { run: maps.pull, usage: maps.pullUsage },
  history: { run: maps.history, usage: maps.historyUsage },
  restore: { run: maps.restore, usage: maps.restoreUsage },
  rm: { run: maps.rm, usage: maps.rmUsage },
  pin: { run: maps.pin, usage: maps.pinUsage },
  unpin: { run: maps.unpin, usage: maps.unpinUsage },
  share: { run: sharing.share, usage: sharing.shareUsage },
  open: { run: sharing.open, usage: sharing.openUsage },
  passwd: { run: account.passwd, usage: account.passwdUsage },
  'rotate-keys': { run: account.rotateKeys, usage: account.rotateKeysUsage },
  upgrade: { run: account.upgrade, usage: account.upgradeUsage },
  'export-account': { run: exportAccount, usage: exportAccountUsage },
  backup: { run: backup, usage: backupUsage },
  'import-backup': { run: importBackup, usage: importBackupUsage },
  'delete-account': { run: account.deleteAccount, usage: account.deleteAccountUsage },
  '2fa': { run: secondFactor, usage: secondFactorUsage },
  'recovery-key': { run: recoveryKey, usage: recoveryKeyUsage },
  recover: { run: recover, usage: recoverUsage },
  unshare: { run: sharing.unshare, usage: sharing.unshareUsage },
  watch: { run: watch, usage: watchUsage },
  selftest: { run: (args, ctx) => selftest(args, ctx.io), usage: selftestUsage },
};

export function usage(): string {
  return [
    'usage: mindvault <command> [options]',
    '',
    'commands:',
    ...Object.values(commands).map((c) => describe(c.usage)),
    '',
    'environment:',
    `  ${ENV.configDir}    config directory (default ~/.config/mindvault); a fresh one is a fresh device`,
    `  ${ENV.server}        API base URL; --server wins over it, it wins over the config (default ${DEFAULT_SERVER})`,
    `  ${ENV.email}         account email for register and login (or --email)`,
    `  ${ENV.password}      password for non-interactive use (else a prompt); never stored`,
    `  ${ENV.newPassword}  the new password for passwd and recover`,
    `  ${ENV.recoveryWords} the recovery key's 12 words for recover and import-backup --recovery-key (else a prompt)`,
    `  ${ENV.backupPassword} the password a backup was made with, for import-backup (else a prompt)`,
    `  ${ENV.totpCode}     a second-factor code for login (or --code; else a prompt)`,
    '',
    'The config directory holds the server URL, the session tokens and what this device has seen',
    '(to catch a server serving older data as current): no password, no keys.',
  ].join('\n');
}

/** `syntax   summary` → the syntax, then the summary indented below it. */
function describe(usageLine: string): string {
  const [syntax, summary] = usageLine.split(/\s{2,}/, 2);
  return summary === undefined ? `  ${syntax}` : `  ${syntax}\n      ${summary}`;
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
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: mindvault${describe(command.usage).slice(1)}`);
    return EXIT_OK;
  }
  try {
    return await command.run(args, new CliContext(io));
  } catch (error) {
    return report(name, command.usage, error, io);
  }
}

const SAVING_COMMANDS = new Set(['push', 'new', 'restore', 'upgrade']);

function refusing(command: string): string {
  if (SAVING_COMMANDS.has(command)) return 'refusing to save';
  if (command === 'share') return 'refusing to share';
  if (command === 'rotate-keys' || command === 'passwd') return 'refusing to re-seal keys';
  return 'refusing to use it';
}

function report(name: string, commandUsage: string, error: unknown, io: CliIo): number {
  const fail = (message: string, code = EXIT_FAILURE) => {
    io.err(`mindvault ${name}: ${message}`);
    return code;
  };
  // parseArgs signals bad options with a TypeError carrying an ERR_PARSE_ARGS_* code.
  const code = (error as { code?: unknown }).code;
  if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
    return fail(`${(error as Error).message}\nusage: mindvault ${commandUsage.split(/\s{2,}/, 1)[0]}`, EXIT_USAGE);
  }
  if (error instanceof SessionExpiredError) return fail(`${error.message}: run \`mindvault login\``);
  if (error instanceof TamperingError) return fail(`${error.sentence}: ${refusing(name)}${error.mapId !== null ? ` (map ${error.mapId})` : ''}`);
  if (error instanceof RollbackError) {
    return fail(`${error.message}; this device has seen newer data, so the server may be rolling you back: ${refusing(name)}`);
  }
  if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS' && name === 'login') {
    return fail('wrong email or password (an account created before the v2 formats needs `mindvault upgrade` once)');
  }
  if (error instanceof MergeConflictError) {
    const lines = error.conflicts.map((c) => `  node ${c.nodeId} ${c.field}: mine ${JSON.stringify(c.mine)}, theirs ${JSON.stringify(c.theirs)}`);
    return fail(`${error.message}; nothing saved. Pull the head, resolve these and push again:\n${lines.join('\n')}`);
  }
  if (error instanceof ApiError) return fail(`${error.code}: ${error.message}`);
  if (error instanceof NetworkError) return fail(`cannot reach the server: ${error.message}`);
  if (error instanceof WrongPasswordError || error instanceof CliError) return fail(error.message);
  if (error instanceof MindvaultCryptoError) return fail(`${error.name}: ${error.message}`);
  if (typeof code === 'string' && ['ENOENT', 'EACCES', 'EISDIR'].includes(code)) return fail((error as Error).message);
  throw error;
}
