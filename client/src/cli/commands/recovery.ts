/** recovery-key status | new, and recover: reset a forgotten password with the recovery key's words. */
import { parseArgs } from 'node:util';
import { ApiError } from '../../api/api-error.js';
import { Vault } from '../../vault/vault.js';
import type { CliContext } from '../context.js';
import { ENV } from '../context.js';
import { CliError, EXIT_OK, UsageError } from '../io.js';

export const recoveryKeyUsage = 'recovery-key status | new                a recovery key: new prints 12 words (shown once) that can reset a forgotten password';
export const recoverUsage = 'recover --email EMAIL [--server URL]    forgot the password: set a new one with the recovery key (words: prompt or MINDVAULT_RECOVERY_WORDS)';

export async function recoveryKey(args: string[], ctx: CliContext): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  const [action] = positionals;
  switch (action) {
    case 'status': {
      const { vault } = await ctx.unlock();
      try {
        const status = await vault.recoveryStatus();
        ctx.io.out(status.enabled ? `recovery key set ${status.createdAt}` : 'no recovery key');
        if (!status.enabled) ctx.io.err(NO_RECOVERY_WARNING);
      } finally {
        vault.lock();
      }
      return EXIT_OK;
    }
    case 'new': {
      const password = await ctx.password('Password (to make a recovery key): ');
      const { config, vault } = await ctx.unlock(password);
      try {
        printRecoveryKit(ctx, await vault.createRecoveryKey(password), vault.email, ctx.serverUrl(config));
      } finally {
        vault.lock();
      }
      return EXIT_OK;
    }
    default:
      throw new UsageError(action === undefined ? 'say status or new' : `unknown action '${action}'`);
  }
}

export async function recover(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { server: { type: 'string' }, email: { type: 'string' } }, strict: true });
  const config = await ctx.config.load();
  const email = ctx.email(values.email ?? config.session?.email);
  const server = ctx.serverUrl(config, values.server);
  const recoveryWords = await ctx.password('The 12 words of the recovery key: ', ENV.recoveryWords);
  const newPassword = await ctx.password(`New password for ${email}: `, ENV.newPassword, { confirm: true });
  let newRecoveryWords: string;
  try {
    ({ newRecoveryWords } = await Vault.recover(ctx.api(server), { email, recoveryWords, newPassword }, ctx.vaultOptions()));
  } catch (error) {
    if (error instanceof ApiError && error.code === 'INVALID_RECOVERY_KEY') {
      throw new CliError('these words are not the recovery key of this account (or were used already)');
    }
    throw error;
  }
  ctx.io.err(`new password set for ${email}; every session ended. The recovery key you used no longer works: here is its replacement.`);
  printRecoveryKit(ctx, newRecoveryWords, email, server);
  ctx.io.err('Log in with the new password: mindvault login');
  return EXIT_OK;
}

export const NO_RECOVERY_WARNING =
  'Without a recovery key nobody can reset your password, not even the server: a forgotten password means every map is lost. Make one with `mindvault recovery-key new`.';

/** The words on stdout (alone, for a script), what they are for on stderr: the terminal's recovery kit. */
export function printRecoveryKit(ctx: CliContext, words: string, email: string, server: string): void {
  ctx.io.err(`Recovery key for ${email} on ${server}. Write these 12 words down and keep them offline; they are shown once.`);
  ctx.io.err('Whoever has them can set a new password for this account (and, with it, read your maps).');
  ctx.io.out(words);
}
