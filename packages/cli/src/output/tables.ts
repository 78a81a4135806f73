// Plain-text tables for the read-only commands.

/** `2026-11-26 06:12 UTC`. */
export function formatDate(date: Date | undefined): string {
  if (!date) return '-';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const short = {
  commit: (c: string | undefined) => (c && c !== 'unknown' ? c.slice(0, 12) : '-'),
  digest: (d: string | undefined) => (d ? `${d.slice(0, 19)}` : '-'),
};

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
