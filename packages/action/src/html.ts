/** Escape text for HTML (the job summary is GitHub-flavoured Markdown with HTML). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The job summary's building blocks, shared by the generic renderer (summary.ts) and each command's part. */
const MAX_LOG_LINES = 50;
export const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
export const link = (url: string, text: string) => `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
export const pre = (lines: readonly string[]) =>
  `<pre>${escapeHtml(lines.slice(-MAX_LOG_LINES).join('\n'))}</pre>`;
export const details = (summary: string, body: string, open = false) => [
  `<details${open ? ' open' : ''}><summary>${summary}</summary>`,
  '',
  body,
  '</details>',
  '',
];

/** A row of the facts table: its label and its HTML. */
export type Fact = [string, string];

/** A job log line as a reader wants it: no timestamp, no `##[group]` markers, `##[error]` as "Error: ". */
export function cleanLogLine(line: string): string | undefined {
  const text = line.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/, '');
  if (/^##\[endgroup\]/.test(text)) return undefined;
  return text
    .replace(/^##\[error\]/, 'Error: ')
    .replace(/^##\[warning\]/, 'Warning: ')
    .replace(/^##\[(?:group|notice|debug|command|section)\]/, '');
}
