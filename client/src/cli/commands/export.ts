/** export-account (a readable zip), backup (the encrypted backup) and import-backup: the whole account, written and read as it goes. */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { safeFileName } from '../../vault/account-archive.js';
import type { CliContext } from '../context.js';
import { ENV } from '../context.js';
import { EXIT_OK, UsageError } from '../io.js';

export const exportAccountUsage =
  'export-account [-o FILE] [--versions]   every map as JSON, Markdown and OPML in one zip (--versions: every version too); nothing in it is encrypted';

export const backupUsage = 'backup [-o FILE]                        the encrypted backup: every version\'s ciphertext and the keys, opened only with this password or the recovery key';
export const importBackupUsage =
  'import-backup FILE [--recovery-key]     restore a backup (any account, any server) into this account, history kept (its password: MINDVAULT_BACKUP_PASSWORD or a prompt; --recovery-key: its words)';

export async function exportAccount(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { output: { type: 'string', short: 'o' }, versions: { type: 'boolean' } }, strict: true });
  const { vault } = await ctx.unlock();
  const output = values.output ?? `mindvault-${safeFileName(vault.email)}-${new Date().toISOString().slice(0, 10)}.zip`;
  // NOTE: only the owner may read it: it holds every map in clear.
  const file = createWriteStream(output, { mode: 0o600 });
  let bytes = 0;
  try {
    const chunks = vault.exportArchive({
      allVersions: values.versions === true,
      onProgress: ({ mapsDone, mapsTotal }) => (ctx.io.status ? ctx.io.status(`exporting map ${mapsDone} of ${mapsTotal}`) : ctx.io.err(`exported map ${mapsDone} of ${mapsTotal}`)),
    });
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (!file.write(chunk)) await once(file, 'drain');
    }
  } finally {
    ctx.io.status?.(null);
    vault.lock();
    file.end();
    await once(file, 'close');
  }
  ctx.io.out(output);
  ctx.io.err(`${bytes} bytes written to ${output}; it holds your maps unencrypted: keep it safe`);
  return EXIT_OK;
}

export async function backup(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { output: { type: 'string', short: 'o' } }, strict: true });
  const { vault } = await ctx.unlock();
  const output = values.output ?? `mindvault-${safeFileName(vault.email)}-${new Date().toISOString().slice(0, 10)}.backup`;
  const file = createWriteStream(output, { mode: 0o600 });
  try {
    for await (const line of vault.exportBackup({ onProgress: ({ maps, versions }) => ctx.io.status?.(`backed up ${maps} map(s), ${versions} version(s)`) })) {
      if (!file.write(line)) await once(file, 'drain');
    }
  } finally {
    ctx.io.status?.(null);
    vault.lock();
    file.end();
    await once(file, 'close');
  }
  ctx.io.out(output);
  ctx.io.err(`encrypted backup written to ${output}: it opens with this account's current password or recovery key`);
  return EXIT_OK;
}

export async function importBackup(args: string[], ctx: CliContext): Promise<number> {
  const { positionals, values } = parseArgs({ args, options: { 'recovery-key': { type: 'boolean' } }, allowPositionals: true, strict: true });
  const [input] = positionals;
  if (input === undefined) throw new UsageError('import-backup needs the backup file');
  const secret = values['recovery-key']
    ? { recoveryWords: await ctx.password('The 12 words of the recovery key the backup was made with: ', ENV.recoveryWords) }
    : { password: await ctx.password('Password the backup was made with: ', ENV.backupPassword) };
  const { vault } = await ctx.unlock();
  const lines = createInterface({ input: createReadStream(input, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    const restored = await vault.importBackup(lines, secret, { onProgress: ({ maps, versions }) => ctx.io.status?.(`restored ${maps} map(s), ${versions} version(s)`) });
    ctx.io.status?.(null);
    ctx.io.out(`maps ${restored.maps}`);
    ctx.io.out(`versions ${restored.versions}`);
  } finally {
    ctx.io.status?.(null);
    lines.close();
    vault.lock();
  }
  return EXIT_OK;
}
