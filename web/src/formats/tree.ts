import { MAX_DOCUMENT_DEPTH, type MindMapDocument, type MindMapNode } from '../session/document';

/** A format's tree before ids: what every importer builds. */
export interface Outline {
  text: string;
  children: Outline[];
}

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

/** Fresh ids for every node; refuses trees deeper than the document model allows. */
export function documentFromOutline(outline: Outline): MindMapDocument {
  const convert = (node: Outline, depth: number): MindMapNode => {
    if (depth > MAX_DOCUMENT_DEPTH) throw new ImportError(`the file nests deeper than ${MAX_DOCUMENT_DEPTH} levels`);
    return { id: crypto.randomUUID(), text: node.text, children: node.children.map((child) => convert(child, depth + 1)) };
  };
  return { version: 1, root: convert(outline, 1) };
}

/** A single line of text (outline formats cannot hold line breaks inside an item). */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
