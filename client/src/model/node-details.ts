/**
 * What a map holds beside its tree of texts (docs/crypto.md §6, document 1.1): per node a note,
 * a hyperlink, colours, tags, icons and the folded state; per document cross-links between nodes
 * and summaries (a bracket over a run of siblings). Every field is optional, so a 1.0 document
 * is a valid 1.1 document and a 1.1 document is still `version: 1`.
 */
import { DocumentFormatError } from '../crypto/errors.js';

export interface NodeStyle {
  /** Text colour, `#rrggbb`. */
  color?: string;
  /** Fill colour, `#rrggbb`. */
  background?: string;
  bold?: boolean;
  italic?: boolean;
}

export interface NodeDetails {
  /** Free text shown beside the node; may hold line breaks. */
  note?: string;
  /** An http(s) or mailto URL; nothing else, so a shared map cannot carry a `javascript:` link. */
  link?: string;
  style?: NodeStyle;
  tags?: string[];
  /** Short symbols (emoji) drawn before the text. */
  icons?: string[];
  /** True: the node's children are hidden. */
  folded?: boolean;
}

/** An arrow between two nodes anywhere in the tree. */
export interface CrossLink {
  id: string;
  from: string;
  to: string;
  label: string;
  bidirectional?: boolean;
}

/** A bracket over the children `start..end` (inclusive, by index) of `parent`, with a label. */
export interface Summary {
  id: string;
  parent: string;
  start: number;
  end: number;
  label: string;
}

export const MAX_NOTE_CHARS = 100_000;
export const MAX_LINK_CHARS = 2048;
export const MAX_TAGS = 20;
export const MAX_TAG_CHARS = 100;
export const MAX_ICONS = 10;
export const MAX_ICON_CHARS = 16;
export const MAX_LABEL_CHARS = 1000;

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** True for the links a node may carry (see NodeDetails.link). */
export function isSafeLink(url: string): boolean {
  return url.length <= MAX_LINK_CHARS && SAFE_LINK.test(url.trim());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How deep an extension field's value may nest (the document's own nesting limit). */
export const MAX_EXTENSION_DEPTH = 1000;

/** The fields each object of a document knows, per place; any other is an extension (§6.1). */
export const KNOWN_FIELDS = {
  document: new Set(['version', 'root', 'links', 'summaries']),
  node: new Set(['id', 'text', 'children', 'position', 'note', 'link', 'style', 'tags', 'icons', 'folded']),
  position: new Set(['x', 'y']),
  style: new Set(['color', 'background', 'bold', 'italic']),
  link: new Set(['id', 'from', 'to', 'label', 'bidirectional']),
  summary: new Set(['id', 'parent', 'start', 'end', 'label']),
} as const;

/**
 * The fields of `raw` that `known` does not name: a later revision's, or another writer's. They are
 * kept as they are, so a save by this client hands them back unchanged (crypto.md §6.1, the
 * extension rule). Each must be a JSON value nested at most MAX_EXTENSION_DEPTH deep; checked
 * without recursion. Object.fromEntries defines the keys, so even `__proto__` stays a plain field.
 */
export function extensionFields(raw: Record<string, unknown>, known: ReadonlySet<string>, path: string): Record<string, unknown> {
  const entries = Object.entries(raw).filter(([key]) => !known.has(key));
  for (const [key, value] of entries) checkJsonValue(value, `${path}.${key}`);
  return Object.fromEntries(entries);
}

function checkJsonValue(value: unknown, path: string): void {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop()!;
    if (item === null || typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item))) continue;
    const nested = Array.isArray(item) ? item : isRecord(item) && Object.getPrototypeOf(item) === Object.prototype ? Object.values(item) : undefined;
    if (nested === undefined) throw new DocumentFormatError(`${path}: an unknown field must hold a JSON value`);
    if (depth >= MAX_EXTENSION_DEPTH && nested.length > 0) throw new DocumentFormatError(`${path}: nested deeper than ${MAX_EXTENSION_DEPTH}`);
    for (const child of nested) stack.push({ value: child, depth: depth + 1 });
  }
}

function stringList(value: unknown, path: string, max: number, maxChars: number): string[] {
  if (!Array.isArray(value) || value.length > max || !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= maxChars)) {
    throw new DocumentFormatError(`${path}: must be at most ${max} non-empty strings of at most ${maxChars} characters`);
  }
  return [...(value as string[])];
}

/** The known detail fields of a raw node, checked; absent fields stay absent. */
export function parseNodeDetails(raw: Record<string, unknown>, path: string): NodeDetails {
  const details: NodeDetails = {};
  const { note, link, style, tags, icons, folded } = raw;
  if (note !== undefined) {
    if (typeof note !== 'string' || note.length > MAX_NOTE_CHARS) throw new DocumentFormatError(`${path}.note: must be a string of at most ${MAX_NOTE_CHARS} characters`);
    details.note = note;
  }
  if (link !== undefined) {
    if (typeof link !== 'string' || !isSafeLink(link)) throw new DocumentFormatError(`${path}.link: must be an http(s) or mailto URL of at most ${MAX_LINK_CHARS} characters`);
    details.link = link.trim();
  }
  if (style !== undefined) details.style = parseStyle(style, `${path}.style`);
  if (tags !== undefined) details.tags = stringList(tags, `${path}.tags`, MAX_TAGS, MAX_TAG_CHARS);
  if (icons !== undefined) details.icons = stringList(icons, `${path}.icons`, MAX_ICONS, MAX_ICON_CHARS);
  if (folded !== undefined) {
    if (typeof folded !== 'boolean') throw new DocumentFormatError(`${path}.folded: must be a boolean`);
    details.folded = folded;
  }
  return details;
}

function parseStyle(value: unknown, path: string): NodeStyle {
  if (!isRecord(value)) throw new DocumentFormatError(`${path}: not an object`);
  const style: NodeStyle = extensionFields(value, KNOWN_FIELDS.style, path);
  for (const key of ['color', 'background'] as const) {
    const colour = value[key];
    if (colour === undefined) continue;
    if (typeof colour !== 'string' || !COLOUR.test(colour)) throw new DocumentFormatError(`${path}.${key}: must be a #rrggbb colour`);
    style[key] = colour.toLowerCase();
  }
  for (const key of ['bold', 'italic'] as const) {
    const flag = value[key];
    if (flag === undefined) continue;
    if (typeof flag !== 'boolean') throw new DocumentFormatError(`${path}.${key}: must be a boolean`);
    style[key] = flag;
  }
  return style;
}

function label(value: unknown, path: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > MAX_LABEL_CHARS) throw new DocumentFormatError(`${path}: must be a string of at most ${MAX_LABEL_CHARS} characters`);
  return value;
}

function id(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new DocumentFormatError(`${path}: must be a non-empty string`);
  return value;
}

/**
 * The document's cross-links and summaries, checked. One whose node is gone (removed by an edit,
 * or a summary over children that moved away) is dropped rather than refused: removing a node
 * removes what pointed at it, and the map still opens.
 */
export function parseCrossReferences(
  raw: Record<string, unknown>,
  childCounts: ReadonlyMap<string, number>,
): { links?: CrossLink[]; summaries?: Summary[] } {
  const result: { links?: CrossLink[]; summaries?: Summary[] } = {};
  if (raw['links'] !== undefined) {
    if (!Array.isArray(raw['links'])) throw new DocumentFormatError('links: must be an array');
    result.links = raw['links']
      .map((entry: unknown, i): CrossLink => {
        const path = `links[${i}]`;
        if (!isRecord(entry)) throw new DocumentFormatError(`${path}: not an object`);
        const link: CrossLink = {
          id: id(entry['id'], `${path}.id`),
          from: id(entry['from'], `${path}.from`),
          to: id(entry['to'], `${path}.to`),
          label: label(entry['label'], `${path}.label`),
          ...extensionFields(entry, KNOWN_FIELDS.link, path),
        };
        if (entry['bidirectional'] !== undefined) {
          if (typeof entry['bidirectional'] !== 'boolean') throw new DocumentFormatError(`${path}.bidirectional: must be a boolean`);
          link.bidirectional = entry['bidirectional'];
        }
        return link;
      })
      .filter((link) => childCounts.has(link.from) && childCounts.has(link.to));
  }
  if (raw['summaries'] !== undefined) {
    if (!Array.isArray(raw['summaries'])) throw new DocumentFormatError('summaries: must be an array');
    result.summaries = raw['summaries']
      .map((entry: unknown, i): Summary => {
        const path = `summaries[${i}]`;
        if (!isRecord(entry)) throw new DocumentFormatError(`${path}: not an object`);
        const { start, end } = entry;
        if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (end as number) < (start as number)) {
          throw new DocumentFormatError(`${path}: start and end must be integers with 0 <= start <= end`);
        }
        return {
          id: id(entry['id'], `${path}.id`),
          parent: id(entry['parent'], `${path}.parent`),
          start: start as number,
          end: end as number,
          label: label(entry['label'], `${path}.label`),
          ...extensionFields(entry, KNOWN_FIELDS.summary, path),
        };
      })
      .filter((summary) => summary.end < (childCounts.get(summary.parent) ?? 0));
  }
  return result;
}
