/**
 * The map as a standalone SVG image, drawn from the editor's laid-out DOM. mind-elixir has its
 * own export, but it writes node text with innerHTML (so a node reading `<script>…` would become
 * markup in the file) and sets inline style attributes, which the page's CSP refuses. Here every
 * text is a text node and every style an attribute, so the file holds exactly what was typed.
 */
const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = 40;

export interface SvgSource {
  /** The element that holds every node and line (mind-elixir's `nodes`). */
  canvas: HTMLElement;
  background: string;
}

export function renderSvg({ canvas, background }: SvgSource): string {
  const width = canvas.offsetWidth + MARGIN * 2;
  const height = canvas.offsetHeight + MARGIN * 2;
  const svg = element('svg', { xmlns: SVG, version: '1.1', width: `${width}`, height: `${height}`, viewBox: `0 0 ${width} ${height}` });
  svg.append(element('rect', { x: '0', y: '0', width: `${width}`, height: `${height}`, fill: background }));
  const drawing = element('g', { transform: `translate(${MARGIN} ${MARGIN})` });
  svg.append(drawing);

  // Branch lines are SVG already: copies, placed where their wrapper sits.
  for (const lines of canvas.querySelectorAll<SVGSVGElement>('.subLines')) {
    const copy = lines.cloneNode(true) as SVGSVGElement;
    const parent = lines.parentElement;
    const { x, y } = parent ? offsetWithin(canvas, parent) : { x: 0, y: 0 };
    copy.setAttribute('x', `${x}`);
    copy.setAttribute('y', `${y}`);
    drawing.append(copy);
  }
  for (const selector of ['.lines', '.topiclinks', '.summary']) {
    const layer = canvas.querySelector(selector);
    if (layer) drawing.append(layer.cloneNode(true));
  }

  for (const topic of canvas.querySelectorAll<HTMLElement>('me-tpc')) {
    const style = getComputedStyle(topic);
    const { x, y } = offsetWithin(canvas, topic);
    drawing.append(
      element('rect', {
        x: `${x}`,
        y: `${y}`,
        rx: style.borderRadius,
        ry: style.borderRadius,
        width: `${topic.offsetWidth}`,
        height: `${topic.offsetHeight}`,
        fill: style.backgroundColor,
        stroke: style.borderColor,
        'stroke-width': style.borderWidth,
      }),
    );
    const fontSize = parseFloat(style.fontSize) || 16;
    const lineHeight = parseFloat(style.lineHeight) || fontSize * 1.2;
    const lines = (topic.textContent ?? '').split('\n');
    lines.forEach((line, i) => {
      const text = element('text', {
        x: `${x + (parseFloat(style.paddingLeft) || 0)}`,
        y: `${y + (parseFloat(style.paddingTop) || 0) + lineHeight * i + fontSize}`,
        'font-family': style.fontFamily,
        'font-size': style.fontSize,
        'font-weight': style.fontWeight,
        fill: style.color,
      });
      text.textContent = line;
      drawing.append(text);
    });
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`;
}

/** The SVG drawn onto a canvas: a PNG of the same picture. */
export async function svgToPng(svg: string): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  canvas.getContext('2d')?.drawImage(image, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not draw the map'))), 'image/png'));
}

function element(name: string, attributes: Record<string, string>): SVGElement {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
  return el;
}

function offsetWithin(container: HTMLElement, el: HTMLElement): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (let at: HTMLElement | null = el; at && at !== container; at = at.offsetParent as HTMLElement | null) {
    x += at.offsetLeft;
    y += at.offsetTop;
  }
  return { x, y };
}
