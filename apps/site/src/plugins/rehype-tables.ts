// A rehype plugin for every Markdown table of the docs, so that its key and description stay readable at
// any width without JavaScript:
//   - each body cell gets `data-label` (its column's header text): on narrow screens the CSS stacks a table
//     into one card per row and shows that label before each value (custom.css, "Tables");
//   - long names get break opportunities (<wbr>) after "/", ".", "_" and "=" and before "<", "{" and "(",
//     so `environments.<name>.container` or `/shared-hosting/<app>/<env>/version` wrap between their parts
//     instead of widening the table past the column (a word is never broken inside).

interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

const LONG = 16;

function textOf(node: HastNode): string {
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(textOf).join('');
}

/** Splits a long text into parts separated by <wbr> elements at its natural joints. */
function withBreaks(text: string): HastNode[] {
  const parts = text.split(/(?<=[/._=])(?=[^/._=\s])|(?<=[^\s<{(])(?=[<{(])/);
  if (parts.length === 1) return [{ type: 'text', value: text }];
  const out: HastNode[] = [];
  for (const [index, part] of parts.entries()) {
    if (index > 0) out.push({ type: 'element', tagName: 'wbr', properties: {}, children: [] });
    out.push({ type: 'text', value: part });
  }
  return out;
}

function addBreaks(node: HastNode): void {
  if (!node.children) return;
  node.children = node.children.flatMap((child) => {
    if (child.type === 'text' && (child.value ?? '').split(/\s+/).some((word) => word.length > LONG))
      return (child.value ?? '')
        .split(/(\s+)/)
        .flatMap((word) => (word.length > LONG ? withBreaks(word) : [{ type: 'text', value: word }]));
    addBreaks(child);
    return [child];
  });
}

const elements = (node: HastNode | undefined, tagName: string): HastNode[] =>
  (node?.children ?? []).filter((child) => child.type === 'element' && child.tagName === tagName);

function labelTable(table: HastNode): void {
  const head = elements(elements(table, 'thead')[0], 'tr')[0];
  const labels = elements(head, 'th').map((th) => textOf(th).trim());
  for (const row of elements(elements(table, 'tbody')[0], 'tr')) {
    for (const [index, cell] of elements(row, 'td').entries()) {
      cell.properties = { ...cell.properties, dataLabel: labels[index] ?? '' };
      addBreaks(cell);
    }
  }
}

function visit(node: HastNode): void {
  if (node.type === 'element' && node.tagName === 'table') labelTable(node);
  for (const child of node.children ?? []) visit(child);
}

export default function rehypeTables() {
  return (tree: HastNode) => visit(tree);
}
