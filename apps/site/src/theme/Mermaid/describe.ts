/**
 * A Mermaid sequence diagram as readable text: its accessible title (`accTitle:`) and description
 * (`accDescr:`), and each message in order as "From → To: text" with the participants' full names.
 * Shown under the diagram as its text alternative, and read by screen readers instead of the drawing.
 */
export interface DiagramText {
  title: string;
  description?: string;
  steps: { from: string; to: string; text: string; reply: boolean }[];
  notes: string[];
}

const message = /^(.+?)\s*(-->>|->>|--x|-x|--\)|-\)|-->|->)\s*[+-]?\s*(.+?)\s*:\s*(.*)$/;

export function describeDiagram(source: string): DiagramText {
  const names = new Map<string, string>();
  const out: DiagramText = { title: 'Sequence diagram', steps: [], notes: [] };
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    const participant = /^(?:participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/.exec(line);
    const acc = /^acc(Title|Descr)\s*:\s*(.+)$/.exec(line);
    const note = /^note\s+(?:over|left of|right of)\s+[^:]+:\s*(.+)$/i.exec(line);
    const m = message.exec(line);
    if (participant?.[1]) names.set(participant[1], participant[2]?.trim() ?? participant[1]);
    else if (acc?.[1] === 'Title') out.title = acc[2] ?? out.title;
    else if (acc?.[1] === 'Descr') out.description = acc[2];
    else if (note?.[1]) out.notes.push(note[1]);
    else if (m?.[1] && m[3] && m[2]) {
      const name = (id: string) => names.get(id) ?? id;
      out.steps.push({ from: name(m[1]), to: name(m[3]), text: m[4] ?? '', reply: m[2].startsWith('--') });
    }
  }
  return out;
}
