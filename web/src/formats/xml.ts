/**
 * Just enough XML for OPML and FreeMind files: elements, attributes, text, the five named
 * entities and numeric references; comments, CDATA, declarations and doctypes are skipped or
 * kept as text. No external entities, no DTDs: nothing in an imported file can fetch or expand.
 * Pure (no DOM), so it runs in unit tests as in the page.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside this element, concatenated. */
  text: string;
}

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>|<\/\s*([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/gy;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (match === null) throw new XmlSyntaxError(`unexpected markup at offset ${at}`);
    const [whole, cdata, closing, opening, attributeText, selfClosing, text] = match;
    const top = stack[stack.length - 1]!;
    if (cdata !== undefined) top.text += cdata;
    else if (text !== undefined) top.text += decodeEntities(text);
    else if (closing !== undefined) {
      if (top.name !== closing || stack.length === 1) throw new XmlSyntaxError(`</${closing}> does not close <${top.name}>`);
      stack.pop();
    } else if (opening !== undefined) {
      const element: XmlElement = { name: opening, attributes: parseAttributes(attributeText ?? ''), children: [], text: '' };
      top.children.push(element);
      if (selfClosing !== '/') stack.push(element);
    } else if (whole.startsWith('<') && !whole.startsWith('<!--') && !whole.startsWith('<?') && !whole.startsWith('<!DOCTYPE')) {
      throw new XmlSyntaxError(`unexpected markup at offset ${at}`);
    }
  }
  if (stack.length !== 1) throw new XmlSyntaxError(`<${stack[stack.length - 1]!.name}> is never closed`);
  const [documentElement, ...rest] = root.children;
  if (documentElement === undefined || rest.length > 0) throw new XmlSyntaxError('expected exactly one root element');
  return documentElement;
}

function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(ATTRIBUTE)) attributes[match[1]!] = decodeEntities(match[2] ?? match[3] ?? '');
  return attributes;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10)) ?? whole;
    return NAMED[ref] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** Shared with the SDK's writers. */
export { escapeXml } from '../session/document';
