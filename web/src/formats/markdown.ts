import type { MindMapDocument, MindMapNode } from '../session/document';
import { documentFromOutline, ImportError, oneLine, type Outline } from './tree';

/** `# Root` then a nested bullet list, two spaces a level. */
export function toMarkdown(document: MindMapDocument): string {
  const lines = [`# ${oneLine(document.root.text)}`, ''];
  const walk = (node: MindMapNode, depth: number) => {
    for (const child of node.children) {
      lines.push(`${'  '.repeat(depth)}- ${oneLine(child.text)}`);
      walk(child, depth + 1);
    }
  };
  walk(document.root, 0);
  return `${lines.join('\n')}\n`;
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^([ \t]*)(?:[-*+]|\d+[.)])\s+(.*)$/;

/**
 * Headings and bullet lists, as most outliners export them: the first `#` heading is the root
 * (or the file name's stand-in "Imported map" when there is none), deeper headings nest under
 * it, bullets nest under the heading above them by their indentation. Other lines are ignored.
 */
export function fromMarkdown(text: string): MindMapDocument {
  const root: Outline = { text: '', children: [] };
  /** Open nodes by depth: [0] is the root. */
  const path: Outline[] = [root];
  let headingDepth = 0;
  /** Indent widths of the open bullets under the current heading. */
  let indents: number[] = [];
  let sawRoot = false;

  for (const line of text.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const title = heading[2]!;
      if (!sawRoot && level === 1 && root.children.length === 0) {
        root.text = title;
        sawRoot = true;
        headingDepth = 0;
      } else {
        const depth = Math.min(Math.max(level - 1, 1), path.length);
        const node: Outline = { text: title, children: [] };
        path[depth - 1]!.children.push(node);
        path.length = depth;
        path.push(node);
        headingDepth = depth;
      }
      indents = [];
      continue;
    }
    const bullet = BULLET.exec(line);
    if (!bullet) continue;
    const width = bullet[1]!.replace(/\t/g, '    ').length;
    // A bullet closes every open bullet indented as far as it or further.
    while (indents.length > 0 && indents[indents.length - 1]! >= width) indents.pop();
    const depth = headingDepth + indents.length + 1;
    const parent = path[Math.min(depth - 1, path.length - 1)]!;
    const node: Outline = { text: bullet[2]!.trim(), children: [] };
    parent.children.push(node);
    path.length = depth;
    path.push(node);
    indents.push(width);
  }
  if (!sawRoot && root.children.length === 0) throw new ImportError('no headings or list items found');
  if (!sawRoot) root.text = 'Imported map';
  return documentFromOutline(root);
}
