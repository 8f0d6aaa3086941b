/**
 * The whole account as a readable zip (nothing encrypted): every map as JSON, Markdown and OPML,
 * optionally every version too, and a manifest.json naming maps, versions, pins and names. The
 * zip is produced as it is read: one version is in memory at a time, and its compressed bytes are
 * handed on before the next is fetched, so an account of any size needs no buffer of its size.
 */
import { Zip, ZipDeflate } from 'fflate';
import { utf8 } from '../crypto/bytes.js';
import { documentToJson, documentToMarkdown, documentToOpml } from '../model/document-text.js';
import type { MindMapDocument } from '../model/mind-map-document.js';
import type { Vault } from './vault.js';

export const ARCHIVE_FORMAT = 'mindvault-archive';
export const ARCHIVE_FORMAT_VERSION = 1;

export interface ArchiveOptions {
  /** Every version of every map, not only the current one. */
  allVersions?: boolean;
  /** After each map: how far the export is. */
  onProgress?: (progress: { mapsDone: number; mapsTotal: number }) => void;
}

interface ManifestVersion {
  versionId: string;
  savedAt: string;
  isHead: boolean;
  pinned: boolean;
  label: string | null;
  /** Its files' path without the extension (.json, .md, .opml), when every version was exported. */
  path?: string;
}

interface ManifestMap {
  id: string;
  title: string;
  /** The current version's files' path without the extension; null for a map never saved. */
  path: string | null;
  createdAt: string;
  updatedAt: string;
  versions: ManifestVersion[];
}

/** Yields the zip archive's bytes in order, as they are made. */
export async function* accountArchive(vault: Vault, options: ArchiveOptions = {}): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) failure = error;
    else ready.push(data);
  });
  const take = function* (): Generator<Uint8Array> {
    if (failure) throw failure;
    while (ready.length > 0) yield ready.shift()!;
  };
  const addFile = (path: string, text: string) => {
    const file = new ZipDeflate(path, { level: 6 });
    zip.add(file);
    file.push(utf8(text), true);
  };
  const addDocument = (path: string, document: MindMapDocument) => {
    addFile(`${path}.json`, documentToJson(document));
    addFile(`${path}.md`, documentToMarkdown(document));
    addFile(`${path}.opml`, documentToOpml(document));
  };

  const maps = await vault.listMaps();
  const manifest: ManifestMap[] = [];
  const folders = new Set<string>();
  for (const [index, map] of maps.entries()) {
    const folder = uniqueFolder(folders, `maps/${safeFileName(map.title) || 'Untitled'}`);
    const history = map.headVersionId === null ? [] : await vault.history(map.id);
    const entry: ManifestMap = { id: map.id, title: map.title, path: null, createdAt: map.createdAt, updatedAt: map.updatedAt, versions: [] };
    if (map.headVersionId !== null) {
      entry.path = `${folder}/${safeFileName(map.title) || 'map'}`;
      addDocument(entry.path, (await vault.pull(map.id)).document);
      yield* take();
    }
    for (const version of history) {
      const described: ManifestVersion = { versionId: version.versionId, savedAt: version.savedAt, isHead: version.isHead, pinned: version.pinned, label: version.label };
      if (options.allVersions) {
        described.path = `${folder}/versions/${version.savedAt.replace(/:/g, '-')} ${version.versionId.slice(0, 8)}`;
        addDocument(described.path, (await vault.pull(map.id, { versionId: version.versionId })).document);
        yield* take();
      }
      entry.versions.push(described);
    }
    manifest.push(entry);
    options.onProgress?.({ mapsDone: index + 1, mapsTotal: maps.length });
  }
  addFile(
    'manifest.json',
    `${JSON.stringify({ format: ARCHIVE_FORMAT, formatVersion: ARCHIVE_FORMAT_VERSION, account: vault.email, exportedAt: new Date().toISOString(), allVersions: options.allVersions === true, maps: manifest }, null, 2)}\n`,
  );
  zip.end();
  yield* take();
}

/** A title as a file name on any system: no separators, reserved or control characters, at most 80 characters. */
export function safeFileName(title: string): string {
  return Array.from(
    title
      // eslint-disable-next-line no-control-regex -- control characters are not allowed in file names
      .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^\.+/, ''),
  )
    .slice(0, 80)
    .join('')
    .trim();
}

function uniqueFolder(taken: Set<string>, wanted: string): string {
  let name = wanted;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${wanted} (${n})`;
  taken.add(name.toLowerCase());
  return name;
}
