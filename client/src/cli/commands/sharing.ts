/** share (owner, logged in) and open (anyone holding the link, no account). */
import { parseArgs } from 'node:util';
import { openShareLink } from '../../vault/share-links.js';
import type { CliContext } from '../context.js';
import { EXIT_OK, positionals, UsageError } from '../io.js';
import { formatDocument } from '../document-file.js';
import { progress } from '../progress.js';
import { documentFormat, emit } from './maps.js';

export const shareUsage = 'share ID [--expires 7d|ISO-TIME] [--version V] [--link-base URL]   create a read-only link; the key is in its #fragment';
export const unshareUsage = 'unshare ID SHARE_ID                      revoke a link; versions saved afterwards get a new key it cannot open';
export const openUsage = 'open LINK [--server URL] [-o FILE] [--format json|outline]         read a shared map (no account needed)';

export async function share(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: rest } = parseArgs({
    args,
    options: { expires: { type: 'string' }, version: { type: 'string' }, 'link-base': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [mapId] = positionals(rest, 'ID');
  const expiresAt = values.expires === undefined ? undefined : parseExpiry(values.expires, new Date());
  const { config, vault } = await ctx.unlock();
  try {
    const created = await vault.share(mapId!, {
      linkBaseUrl: values['link-base'] ?? config.linkBaseUrl ?? ctx.serverUrl(config),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(values.version !== undefined ? { versionId: values.version } : {}),
    });
    ctx.io.out(created.url);
    ctx.io.err(`share ${created.shareId}${expiresAt ? `, expires ${expiresAt}` : ''}: anyone holding this link can read the map`);
  } finally {
    vault.lock();
  }
  return EXIT_OK;
}

export async function unshare(args: string[], ctx: CliContext): Promise<number> {
  const { positionals: rest } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  const [mapId, shareId] = positionals(rest, 'ID', 'SHARE_ID');
  const { vault } = await ctx.unlock();
  try {
    await vault.revokeShare(mapId!, shareId!);
  } finally {
    vault.lock();
  }
  ctx.io.err(`share ${shareId} revoked; the map has a new key for versions saved from now on (other links of it stop following the head)`);
  return EXIT_OK;
}

export async function open(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals: rest } = parseArgs({
    args,
    options: { server: { type: 'string' }, output: { type: 'string', short: 'o' }, format: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [link] = positionals(rest, 'LINK');
  const format = documentFormat(values.format, values.output);
  const shown = progress(ctx.io, 'downloading');
  let opened;
  try {
    opened = await openShareLink(link!, {
      ...(values.server !== undefined ? { apiBaseUrl: values.server } : {}),
      ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}),
      onProgress: shown.update,
    });
  } finally {
    shown.done();
  }
  await emit(ctx, formatDocument(opened.document, format), values.output);
  ctx.io.err(`opened ${opened.title === null ? '(title not readable with this link)' : `"${opened.title}"`} version ${opened.versionId}`);
  return EXIT_OK;
}

/** `30m`, `12h`, `7d` from now, or an ISO-8601 time; always in the future. */
export function parseExpiry(value: string, now: Date): string {
  const relative = /^(\d+)([mhd])$/.exec(value);
  let at: Date;
  if (relative) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    at = new Date(now.getTime() + Number(relative[1]) * unitMs);
  } else {
    at = new Date(value);
    if (Number.isNaN(at.getTime())) throw new UsageError('--expires takes 30m, 12h, 7d or an ISO-8601 time');
  }
  if (at.getTime() <= now.getTime()) throw new UsageError('--expires must be in the future');
  return at.toISOString();
}
