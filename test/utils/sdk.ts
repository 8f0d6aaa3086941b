import { createDocument, INSECURE_TEST_KDF_POLICY, type MindMapDocument, type VaultOptions } from '../../client/src/index';

/** Argon2id at a cost that keeps a suite fast; production code never selects this policy. */
export const FAST_KDF: VaultOptions = { kdfCost: { memoryKiB: 64, iterations: 1, parallelism: 1 }, policy: INSECURE_TEST_KDF_POLICY };

/** A root and one child carrying `text`: enough to tell two saves apart. */
export function doc(text: string): MindMapDocument {
  const d = createDocument('root');
  d.root.children.push({ id: 'child', text, children: [] });
  return d;
}

/** An array's items as the async iterable a backup is read from. */
export async function* linesOf(lines: string[]): AsyncGenerator<string> {
  for (const line of lines) yield line;
}

/** Every item an async iterable yields (a backup's lines). */
export async function collectLines(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}
