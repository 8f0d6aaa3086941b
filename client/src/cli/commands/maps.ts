/** ls, new, push, pull, history, pin, unpin, restore, rm. */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDocument } from '../../model/mind-map-document.js';
import { RollbackError, TamperingError } from '../../vault/errors.js';
import type { Vault } from '../../vault/vault.js';
import type { CliContext } from '../context.js';
import { type DocumentFormat, formatDocument, parseDocumentFile } from '../document-file.js';
import { CliError, EXIT_OK, positionals, UsageError } from '../io.js';
import { formatBytes, progress } from '../progress.js';

export const lsUsage =
  'ls                                      your maps: id, versions, size, title; a map that fails verification is listed with "! not verified: why" instead of its title, with a warning (exit 0)';
export const newUsage = 'new TITLE [--max-versions N]            create a map (one root node named TITLE); prints its id';
export const pushUsage =
  'push FILE [--map ID] [--title T] [--if-match VERSION]   encrypt and upload FILE (.json or an outline; - for stdin): a new map, or a new version of --map; with --if-match (the version FILE was edited from) a head that moved since is merged with FILE, and saved if the merge is clean';
export const pullUsage = 'pull ID [--version V] [-o FILE] [--format json|outline]  download and decrypt a map (the head by default)';
export const historyUsage = 'history ID                              a map\'s versions, newest first, with pins and names';
export const pinUsage = 'pin ID VERSION [NAME]                   pin a version (never thinned), naming it NAME (encrypted here)';
export const unpinUsage = 'unpin ID VERSION [--keep-name]          unpin a version (thinning may drop it), removing its name unless --keep-name';
export const restoreUsage = 'restore ID VERSION                      make an old version the head again (as a new version)';
export const rmUsage =
  'rm ID [--force]                         delete a map and all its versions, for good; --force deletes it without opening it (for a map whose key or title fails verification)';

async function withVault<T>(ctx: CliContext, work: (vault: Vault) => Promise<T>): Promise<T> {
  const { vault } = await ctx.unlock();
  try {
    return await work(vault);
  } finally {
    vault.lock();
  }
}

export async function ls(args: string[], ctx: CliContext): Promise<number> {
  const { positionals: rest } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  positionals(rest);
  const maps = await withVault(ctx, (vault) => vault.checkMaps());
  for (const map of maps) {
    // A sound title was written by this account, so no server can make one look like this mark.
    const title = map.refusal === null ? map.title : `! not verified: ${map.refusal.sentence}`;
    ctx.io.out(`${map.id}  ${String(map.versionCount).padStart(3)} v  ${formatBytes(map.sizeBytes).padStart(10)}  ${title}`);
  }
  if (maps.length === 0) ctx.io.err('no maps yet: `mindvault new TITLE` or `mindvault push FILE`');
  const refused = maps.filter((m) => m.refusal !== null).length;
  if (refused > 0) {
    ctx.io.err(
      `warning: ${refused} map${refused === 1 ? '' : 's'} failed verification (marked "! not verified"): nothing of ${refused === 1 ? 'it' : 'them'} was decrypted, ` +
        'and every command refuses to use it; `mindvault rm --force ID` deletes a map that no longer opens',
    );
  }
  return EXIT_OK;
}

export async function newMap(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: rest } = parseArgs({
    args,
    options: { 'max-versions': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [title] = positionals(rest, 'TITLE');
  const maxVersions = values['max-versions'] === undefined ? undefined : parseCount(values['max-versions'], '--max-versions');
  const created = await withVault(ctx, async (vault) => {
    const map = await vault.createMap({ title: title!, ...(maxVersions !== undefined ? { maxVersions } : {}) });
    const version = await vault.push(map.id, createDocument(title!));
    return { map, version };
  });
  ctx.io.out(created.map.id);
  ctx.io.err(`created "${title}" (version ${created.version.versionId})`);
  return EXIT_OK;
}

export async function push(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: rest } = parseArgs({
    args,
    options: { map: { type: 'string' }, title: { type: 'string' }, 'if-match': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [file] = positionals(rest, 'FILE');
  if (values['if-match'] !== undefined && values.map === undefined) throw new UsageError('--if-match needs --map');
  const text = file === '-' ? await readStdin(ctx) : await readFile(file!, 'utf8');
  const document = parseDocumentFile(text, file === '-' ? 'stdin' : file!);
  const result = await withVault(ctx, async (vault) => {
    const mapId = values.map ?? (await vault.createMap({ title: values.title ?? document.root.text })).id;
    if (values.map !== undefined && values.title !== undefined) await vault.rename(mapId, values.title);
    const shown = progress(ctx.io, 'uploading');
    try {
      const base = values['if-match'];
      const version = base !== undefined ? await vault.pushMerging(mapId, document, base, { onProgress: shown.update }) : await vault.push(mapId, document, { onProgress: shown.update });
      return { mapId, version, merged: 'merged' in version && version.merged };
    } finally {
      shown.done();
    }
  });
  ctx.io.out(`map ${result.mapId}`);
  ctx.io.out(`version ${result.version.versionId}`);
  if (result.merged) ctx.io.err(`the map had moved past ${values['if-match']}: merged with its newer version`);
  ctx.io.err(`pushed ${formatBytes(result.version.sizeBytes)} of ciphertext`);
  return EXIT_OK;
}

export async function pull(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: rest } = parseArgs({
    args,
    options: { version: { type: 'string' }, output: { type: 'string', short: 'o' }, format: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [mapId] = positionals(rest, 'ID');
  const format = documentFormat(values.format, values.output);
  const pulled = await withVault(ctx, async (vault) => {
    const shown = progress(ctx.io, 'downloading');
    try {
      return await vault.pull(mapId!, { ...(values.version !== undefined ? { versionId: values.version } : {}), onProgress: shown.update });
    } finally {
      shown.done();
    }
  });
  await emit(ctx, formatDocument(pulled.document, format), values.output);
  ctx.io.err(`pulled "${pulled.title}" version ${pulled.versionId}`);
  return EXIT_OK;
}

export async function history(args: string[], ctx: CliContext): Promise<number> {
  const { positionals: rest } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  const [mapId] = positionals(rest, 'ID');
  const versions = await withVault(ctx, (vault) => vault.history(mapId!));
  for (const v of versions) {
    const marks = [v.isHead ? '(head)' : '', v.pinned ? '(pinned)' : '', v.label !== null ? JSON.stringify(v.label) : ''].filter((m) => m !== '');
    ctx.io.out(`${v.versionId}  ${v.savedAt}  ${formatBytes(v.sizeBytes).padStart(10)}${marks.length > 0 ? `  ${marks.join('  ')}` : ''}`);
  }
  return EXIT_OK;
}

export async function pin(args: string[], ctx: CliContext): Promise<number> {
  const { positionals: rest } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  if (rest.length > 3) throw new UsageError('pin ID VERSION [NAME]: quote a NAME with spaces');
  const [mapId, versionId] = positionals(rest.slice(0, 2), 'ID', 'VERSION');
  const name = rest[2];
  const marked = await withVault(ctx, (vault) => vault.markVersion(mapId!, versionId!, { pinned: true, ...(name !== undefined ? { label: name } : {}) }));
  ctx.io.err(`pinned ${marked.versionId}${marked.label !== null ? ` as ${JSON.stringify(marked.label)}` : ''}`);
  return EXIT_OK;
}

export async function unpin(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: rest } = parseArgs({ args, options: { 'keep-name': { type: 'boolean' } }, strict: true, allowPositionals: true });
  const [mapId, versionId] = positionals(rest, 'ID', 'VERSION');
  await withVault(ctx, (vault) => vault.markVersion(mapId!, versionId!, { pinned: false, ...(values['keep-name'] ? {} : { label: null }) }));
  ctx.io.err(`unpinned ${versionId}`);
  return EXIT_OK;
}

export async function restore(args: string[], ctx: CliContext): Promise<number> {
  const { positionals: rest } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  const [mapId, versionId] = positionals(rest, 'ID', 'VERSION');
  const saved = await withVault(ctx, (vault) => vault.restore(mapId!, versionId!));
  ctx.io.out(`version ${saved.versionId}`);
  ctx.io.err(`restored ${versionId} as the new head`);
  return EXIT_OK;
}

/**
 * Without --force the map is opened first (its key and title verified) and named in the answer;
 * one that fails is refused with the way out. With --force nothing is opened: a map whose key was
 * planted can still be removed, which is also what lets `rotate-keys` proceed.
 */
export async function rm(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: rest } = parseArgs({ args, options: { force: { type: 'boolean' } }, strict: true, allowPositionals: true });
  const [mapId] = positionals(rest, 'ID');
  const title = await withVault(ctx, async (vault) => {
    const opened = values.force === true ? null : await vault.getMap(mapId!).catch((error: unknown) => {
      if (error instanceof TamperingError || error instanceof RollbackError) {
        throw new CliError(`${error.sentence}: refusing to open map ${mapId}; \`mindvault rm --force ${mapId}\` deletes it without opening it`);
      }
      throw error;
    });
    await vault.deleteMap(mapId!);
    return opened?.title ?? null;
  });
  ctx.io.err(title !== null ? `deleted "${title}" (${mapId}) and all its versions` : `deleted map ${mapId} and all its versions`);
  return EXIT_OK;
}

/** --format, else from the output file's extension (.json → json), else json. */
export function documentFormat(flag: string | undefined, output: string | undefined): DocumentFormat {
  if (flag === 'json' || flag === 'outline') return flag;
  if (flag !== undefined) throw new UsageError('--format is json or outline');
  return output !== undefined && !output.toLowerCase().endsWith('.json') && output !== '-' ? 'outline' : 'json';
}

/** To stdout, or to FILE (`-o FILE`). */
export async function emit(ctx: CliContext, text: string, output: string | undefined): Promise<void> {
  if (output === undefined || output === '-') {
    for (const line of text.replace(/\n$/, '').split('\n')) ctx.io.out(line);
    return;
  }
  await writeFile(output, text, { mode: 0o600 });
  ctx.io.err(`wrote ${output}`);
}

async function readStdin(ctx: CliContext): Promise<string> {
  if (ctx.io.readStdin === undefined) throw new UsageError('cannot read stdin here');
  return ctx.io.readStdin();
}

function parseCount(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a positive integer`);
  return Number(value);
}
