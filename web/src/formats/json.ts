import { type MindMapDocument, parseDocument } from '../session/document';
import { ImportError } from './tree';

/** The writer lives in the SDK, which the account archive shares. */
export { documentToJson as toJson } from '../session/document';

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
