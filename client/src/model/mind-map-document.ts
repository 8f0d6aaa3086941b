/**
 * The plaintext of a map: a tree of nodes. Only clients ever see it; the server stores it
 * encrypted (content-cipher.ts).
 */
import { DocumentFormatError } from '../crypto/errors.js';
import { type CrossLink, extensionFields, KNOWN_FIELDS, type NodeDetails, parseCrossReferences, parseNodeDetails, type Summary } from './node-details.js';

export interface MindMapNode extends NodeDetails {
  id: string;
  text: string;
  children: MindMapNode[];
  position?: { x: number; y: number };
}

export interface MindMapDocument {
  version: 1;
  root: MindMapNode;
  /** Document 1.1 (docs/crypto.md §6): arrows between nodes. */
  links?: CrossLink[];
  /** Document 1.1: brackets over runs of siblings. */
  summaries?: Summary[];
}

/** Guards a decoder against hostile or runaway input (a stack of 10^6 nested nodes, etc.). */
export const MAX_DOCUMENT_DEPTH = 1000;

export function createDocument(rootText: string): MindMapDocument {
  return { version: 1, root: { id: crypto.randomUUID(), text: rootText, children: [] } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks `value` is a version-1 document and returns a copy of it: known fields checked and copied,
 * fields it does not know (a later revision's, another writer's) carried as they are beside them,
 * at every level (document, node, position, style, cross-link, summary), so saving what was read
 * hands them back unchanged (crypto.md §6.1, the extension rule; their values are not copied).
 * Iterative, so depth is bounded by MAX_DOCUMENT_DEPTH rather than by the JS stack. Node ids must
 * be unique: edits and layout address nodes by id.
 */
export function parseDocument(value: unknown): MindMapDocument {
  if (!isRecord(value)) throw new DocumentFormatError('document: not an object');
  if (value['version'] !== 1) throw new DocumentFormatError(`document: unsupported version ${JSON.stringify(value['version'])}`);
  const seen = new Set<string>();
  const parseNode = (raw: unknown, path: string): MindMapNode => {
    if (!isRecord(raw)) throw new DocumentFormatError(`${path}: not an object`);
    const { id, text, children, position } = raw;
    if (typeof id !== 'string' || id.length === 0) throw new DocumentFormatError(`${path}.id: must be a non-empty string`);
    if (seen.has(id)) throw new DocumentFormatError(`${path}.id: duplicate id ${JSON.stringify(id)}`);
    seen.add(id);
    if (typeof text !== 'string') throw new DocumentFormatError(`${path}.text: must be a string`);
    if (!Array.isArray(children)) throw new DocumentFormatError(`${path}.children: must be an array`);
    const node: MindMapNode = { id, text, children: [], ...parseNodeDetails(raw, path), ...extensionFields(raw, KNOWN_FIELDS.node, path) };
    if (position !== undefined) {
      if (!isRecord(position) || !Number.isFinite(position['x']) || !Number.isFinite(position['y'])) {
        throw new DocumentFormatError(`${path}.position: must be { x, y } with finite numbers`);
      }
      node.position = { x: position['x'] as number, y: position['y'] as number, ...extensionFields(position, KNOWN_FIELDS.position, `${path}.position`) };
    }
    return node;
  };

  const root = parseNode(value['root'], 'root');
  const stack: { raw: unknown[]; node: MindMapNode; path: string; depth: number }[] = [
    { raw: (value['root'] as Record<string, unknown>)['children'] as unknown[], node: root, path: 'root', depth: 1 },
  ];
  /** Each node's number of children, by id: what cross-links and summaries may point at. */
  const childCounts = new Map<string, number>();
  while (stack.length > 0) {
    const { raw, node, path, depth } = stack.pop()!;
    childCounts.set(node.id, raw.length);
    if (raw.length > 0 && depth >= MAX_DOCUMENT_DEPTH) throw new DocumentFormatError(`${path}: nested deeper than ${MAX_DOCUMENT_DEPTH}`);
    raw.forEach((childRaw, i) => {
      const childPath = `${path}.children[${i}]`;
      const child = parseNode(childRaw, childPath);
      node.children.push(child);
      stack.push({ raw: (childRaw as Record<string, unknown>)['children'] as unknown[], node: child, path: childPath, depth: depth + 1 });
    });
  }
  return { ...extensionFields(value, KNOWN_FIELDS.document, 'document'), version: 1, root, ...parseCrossReferences(value, childCounts) };
}
