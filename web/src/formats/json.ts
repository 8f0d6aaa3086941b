import { type MindMapDocument, parseDocument } from '../session/document';
import { ImportError } from './tree';

/** The native format: the document exactly as the vault stores it (before encryption). */
export function toJson(document: MindMapDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function fromJson(text: string): MindMapDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`not JSON: ${(error as Error).message}`);
  }
  try {
    return parseDocument(value);
  } catch (error) {
    throw new ImportError(`not a Mindvault map: ${(error as Error).message}`);
  }
}
