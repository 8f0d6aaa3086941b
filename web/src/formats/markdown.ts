import type { MindMapDocument } from '../session/document';
import { documentFromOutline, ImportError, type Outline } from './tree';

/** The writer lives in the SDK, which the account archive shares. */
export { documentToMarkdown as toMarkdown } from '../session/document';

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^([ \t]*)(?:[-*+]|\d+[.)])\s+(.*)$/;
const QUOTE = /^[ \t]*>\s?(.*)$/;
/** A bullet that is one whole link: `[text](url)`. */
const LINK_ITEM = /^\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)\)$/;

function bulletNode(content: string): Outline {
  const link = LINK_ITEM.exec(content.trim());
  if (!link) return { text: content.trim(), children: [] };
  return { text: link[1]!.replace(/\\([[\]])/g, '$1'), children: [], link: unescapeLinkTarget(link[2]!) };
}

function unescapeLinkTarget(url: string): string {
  return url.replace(/%2[89]|%20/gi, (code) => String.fromCharCode(parseInt(code.slice(1), 16)));
}

/**
 * Headings and bullet lists, as most outliners export them: the first `#` heading is the root
 * (or, when there is none, `untitled`: the file's name), deeper headings nest under it, bullets
 * nest under the heading above them by their indentation, quotes are the note of the node above.
 * Other lines are ignored.
 */
export function fromMarkdown(text: string, untitled = 'Imported map'): MindMapDocument {
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
    const quote = QUOTE.exec(line);
    if (quote) {
      const last = path[path.length - 1]!;
      last.note = last.note === undefined ? quote[1]! : `${last.note}\n${quote[1]!}`;
      continue;
    }
    const bullet = BULLET.exec(line);
    if (!bullet) continue;
    const width = bullet[1]!.replace(/\t/g, '    ').length;
    // A bullet closes every open bullet indented as far as it or further.
    while (indents.length > 0 && indents[indents.length - 1]! >= width) indents.pop();
    const depth = headingDepth + indents.length + 1;
    const parent = path[Math.min(depth - 1, path.length - 1)]!;
    const node = bulletNode(bullet[2]!);
    parent.children.push(node);
    path.length = depth;
    path.push(node);
    indents.push(width);
  }
  if (!sawRoot && root.children.length === 0) throw new ImportError('no headings or list items found');
  if (!sawRoot) root.text = untitled;
  return documentFromOutline(root);
}
