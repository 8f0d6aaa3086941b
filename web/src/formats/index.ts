/** Import and export: pure functions from text to document and back, one file per format. */
import type { MindMapDocument } from '../session/document';
import { fromFreeMind, toFreeMind } from './freemind';
import { fromJson, toJson } from './json';
import { fromMarkdown, toMarkdown } from './markdown';
import { fromOpml, toOpml } from './opml';
import { ImportError } from './tree';

export { fromFreeMind, fromJson, fromMarkdown, fromOpml, ImportError, toFreeMind, toJson, toMarkdown, toOpml };

export type TextFormat = 'json' | 'markdown' | 'opml' | 'freemind';

export const TEXT_FORMATS: Record<TextFormat, { label: string; extension: string; mime: string; write: (d: MindMapDocument) => string }> = {
  json: { label: 'Mindvault JSON', extension: 'json', mime: 'application/json', write: toJson },
  markdown: { label: 'Markdown outline', extension: 'md', mime: 'text/markdown', write: toMarkdown },
  opml: { label: 'OPML', extension: 'opml', mime: 'text/x-opml', write: toOpml },
  freemind: { label: 'FreeMind (.mm)', extension: 'mm', mime: 'application/x-freemind', write: toFreeMind },
};

export const IMPORT_ACCEPT = '.json,.md,.markdown,.txt,.opml,.xml,.mm';

/** Larger files would not fit a map anyway; refusing early keeps the page responsive. */
const MAX_IMPORT_CHARS = 16 * 1024 * 1024;

/** Picks the reader by extension, falling back to the content's first characters. */
export function importFile(name: string, text: string): MindMapDocument {
  if (text.length > MAX_IMPORT_CHARS) throw new ImportError('the file is too large to import');
  const extension = name.toLowerCase().split('.').pop() ?? '';
  const head = text.trimStart().slice(0, 200);
  if (extension === 'json' || head.startsWith('{')) return fromJson(text);
  if (extension === 'mm' || /<map[\s>]/.test(head)) return fromFreeMind(text);
  if (extension === 'opml' || /<opml[\s>]/.test(head)) return fromOpml(text);
  // A Markdown file without a heading is titled by its name, as a person named it.
  return fromMarkdown(text, name.replace(/\.[^.]*$/, '').trim() || 'Imported map');
}
