/** export-account: the whole account as a readable zip, written as it is made. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { safeFileName } from '../../vault/account-archive.js';
import type { CliContext } from '../context.js';
import { EXIT_OK } from '../io.js';

export const exportAccountUsage =
  'export-account [-o FILE] [--versions]   every map as JSON, Markdown and OPML in one zip (--versions: every version too); nothing in it is encrypted';

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
