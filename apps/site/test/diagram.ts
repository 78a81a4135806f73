// Mermaid sequence diagrams, read two ways so a test can compare them: from the Mermaid source in a page's
// Markdown (parseSequence) and from the SVG a browser drew (readSequenceSvg, run inside the page).

export type LineStyle = 'solid' | 'dashed';
/** What the arrow's end shows: an arrowhead (->>), nothing (->), a cross (-x), an open head (-)). */
export type Head = 'arrow' | 'none' | 'cross' | 'open';

export interface Message {
  from: string;
  to: string;
  line: LineStyle;
  head: Head | string;
  text: string;
}

export interface SequenceDiagram {
  /** Participants' labels, left to right. */
  actors: string[];
  /** Boxes left to right, with the labels of the participants inside each. */
  boxes: { label: string; actors: string[] }[];
  /** Messages top to bottom, by participant label. */
  messages: Message[];
}

/** The ```mermaid blocks of a Markdown/MDX file, in order. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid[^\n]*\n([\s\S]*?)^```\s*$/gm)].map((match) => match[1] ?? '');
}

const arrows: Record<string, { line: LineStyle; head: Head }> = {
  '-->>': { line: 'dashed', head: 'arrow' },
  '->>': { line: 'solid', head: 'arrow' },
  '--x': { line: 'dashed', head: 'cross' },
  '-x': { line: 'solid', head: 'cross' },
  '--)': { line: 'dashed', head: 'open' },
  '-)': { line: 'solid', head: 'open' },
  '-->': { line: 'dashed', head: 'none' },
  '->': { line: 'solid', head: 'none' },
};
const messagePattern = /^(.+?)\s*(-->>|->>|--x|-x|--\)|-\)|-->|->)\s*[+-]?\s*(.+?)\s*:\s*(.*)$/;
const blockStart = /^(loop|alt|opt|par|critical|break|rect)\b/;
const ignored =
  /^(%%|sequenceDiagram\b|autonumber\b|title\b|acc(Title|Descr)\s*:|activate\b|deactivate\b|note\b|else\b|and\b|option\b)/i;

/** Parses a Mermaid sequence diagram (participants, boxes, messages; notes and activations are ignored). */
export function parseSequence(source: string): SequenceDiagram {
  const ids: string[] = [];
  const labels = new Map<string, string>();
  const boxes: { label: string; ids: string[] }[] = [];
  const messages: Message[] = [];
  const open: ('box' | 'block')[] = [];
  let box: { label: string; ids: string[] } | undefined;
  const declare = (id: string, label = id): void => {
    if (labels.has(id)) return;
    ids.push(id);
    labels.set(id, label);
    box?.ids.push(id);
  };
  for (const [index, raw] of source.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || ignored.test(line)) continue;
    const participant = /^(?:participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/.exec(line);
    const boxStart = /^box(?:\s+(?:rgba?\([^)]*\)|hsla?\([^)]*\)|#[0-9a-f]+|transparent))?\s*(.*)$/i.exec(
      line,
    );
    const message = messagePattern.exec(line);
    if (participant?.[1]) declare(participant[1], participant[2]?.trim());
    else if (line === 'end') {
      if (open.pop() === 'box') box = undefined;
    } else if (boxStart && /^box\b/.test(line)) {
      box = { label: boxStart[1]?.trim() ?? '', ids: [] };
      boxes.push(box);
      open.push('box');
    } else if (blockStart.test(line)) open.push('block');
    else if (message?.[1] && message[2] && message[3]) {
      const [, from, arrow, to, text] = message;
      declare(from);
      declare(to);
      const kind = arrows[arrow] ?? { line: 'solid', head: 'arrow' };
      messages.push({ from, to, ...kind, text: text?.trim() ?? '' });
    } else throw new Error(`Mermaid line ${index + 1} not understood by the test's parser: "${line}"`);
  }
  const label = (id: string): string => labels.get(id) ?? id;
  return {
    actors: ids.map(label),
    boxes: boxes.map((b) => ({ label: b.label, actors: b.ids.map(label) })),
    messages: messages.map((m) => ({ ...m, from: label(m.from), to: label(m.to) })),
  };
}

/**
 * Reads a sequence diagram from what the SVG draws: participants ordered by their position, boxes by which
 * participants they enclose, messages top to bottom with each arrow's direction from its start and end points,
 * its line style from the computed dash pattern and its head from its marker. A stroke or text that is not
 * visible reads as "(hidden)". Runs in the browser (page.evaluate): self-contained, no imports.
 */
export function readSequenceSvg(svg: SVGSVGElement): SequenceDiagram {
  const rectOf = (el: Element) => el.getBoundingClientRect();
  const labelOf = (el: Element) => (el.parentElement?.querySelector('text')?.textContent ?? '').trim();
  const visible = (el: Element) => {
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0;
  };
  const actors = [...svg.querySelectorAll('rect.actor-top')]
    .map((rect) => ({ label: labelOf(rect), x: rectOf(rect).left + rectOf(rect).width / 2 }))
    .sort((a, b) => a.x - b.x);
  const nearest = (x: number) =>
    actors.reduce((best, actor) => (Math.abs(actor.x - x) < Math.abs(best.x - x) ? actor : best)).label;
  const boxes = [...svg.querySelectorAll('rect.rect')]
    .map((rect) => ({ label: labelOf(rect), left: rectOf(rect).left, right: rectOf(rect).right }))
    .sort((a, b) => a.left - b.left)
    .map((b) => ({
      label: b.label,
      actors: actors.filter((actor) => actor.x > b.left && actor.x < b.right).map((actor) => actor.label),
    }));
  const texts = [...svg.querySelectorAll('text.messageText')]
    .map((text) => ({
      text: visible(text) ? (text.textContent ?? '').trim() : '(hidden)',
      top: rectOf(text).top,
    }))
    .sort((a, b) => a.top - b.top);
  const strokes = [...svg.querySelectorAll<SVGGeometryElement>('.messageLine0, .messageLine1')].map((el) => {
    const matrix = el.getScreenCTM() ?? new DOMMatrix();
    const start = new DOMPoint(el.getPointAtLength(0).x, el.getPointAtLength(0).y).matrixTransform(matrix);
    const endPoint = el.getPointAtLength(el.getTotalLength());
    const end = new DOMPoint(endPoint.x, endPoint.y).matrixTransform(matrix);
    const style = getComputedStyle(el);
    const dashes = style.strokeDasharray.split(/[ ,]+/).map((dash) => Number.parseFloat(dash));
    const shown = visible(el) && style.stroke !== 'none' && Number.parseFloat(style.strokeWidth) > 0;
    const marker = el.getAttribute('marker-end') ?? '';
    const head = marker.includes('arrowhead')
      ? 'arrow'
      : marker.includes('crosshead')
        ? 'cross'
        : marker.includes('filled-head')
          ? 'open'
          : marker === ''
            ? 'none'
            : marker;
    return {
      from: nearest(start.x),
      to: nearest(end.x),
      line: (dashes.some((dash) => dash > 0) ? 'dashed' : 'solid') as LineStyle,
      head: shown ? head : '(hidden)',
      top: Math.min(start.y, end.y),
    };
  });
  strokes.sort((a, b) => a.top - b.top);
  const count = Math.max(strokes.length, texts.length);
  const messages = Array.from({ length: count }, (_, i) => {
    const stroke = strokes[i];
    return {
      from: stroke?.from ?? '(no arrow)',
      to: stroke?.to ?? '(no arrow)',
      line: stroke?.line ?? 'solid',
      head: stroke?.head ?? '(no arrow)',
      text: texts[i]?.text ?? '(no text)',
    };
  });
  return { actors: actors.map((actor) => actor.label), boxes, messages };
}
