import type { MindMapDocument } from '../session/document';
import { documentFromOutline, ImportError, type Outline } from './tree';
import { parseXml, type XmlElement } from './xml';

/** The writer lives in the SDK, which the account archive shares. */
export { documentToOpml as toOpml } from '../session/document';

/** The head's title, when there is one, is the map's title (and so its root's text). */
export function fromOpml(text: string): MindMapDocument {
  const opml = parseXml(text);
  if (opml.name !== 'opml') throw new ImportError('not an OPML file (no <opml> element)');
  const body = opml.children.find((c) => c.name === 'body');
  if (!body) throw new ImportError('OPML without a <body>');
  const outlines = body.children.filter((c) => c.name === 'outline');
  const title = opml.children.find((c) => c.name === 'head')?.children.find((c) => c.name === 'title')?.text.trim();
  const convert = (element: XmlElement): Outline => {
    const { text: t, title: alt, _note: note, url, htmlUrl } = element.attributes;
    return {
      text: t ?? alt ?? '',
      children: element.children.filter((c) => c.name === 'outline').map(convert),
      ...(note ? { note } : {}),
      ...(url || htmlUrl ? { link: url ?? htmlUrl } : {}),
    };
  };
  if (outlines.length === 1) {
    const root = convert(outlines[0]!);
    return documentFromOutline(title ? { ...root, text: title } : root);
  }
  return documentFromOutline({ text: title || 'Imported map', children: outlines.map(convert) });
}
