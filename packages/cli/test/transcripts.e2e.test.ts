/**
 * The transcripts of the docs are real: the story of test/transcripts.mjs runs the BUILT `hosting` against the
 * testkit peers, and every ```text transcript="<id>" block of the pages must be what its command printed, line
 * for line (durations, dates and times aside). A page that drifts from the tool fails here; the fix is
 * `pnpm --filter @shared-hosting/cli docs:transcripts`, which rewrites the blocks from a fresh run.
 * Every other ```text block of the docs that shows a `$ hosting` command must be one of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalise, PAGES, pageTranscripts, runStory } from './transcripts.mjs';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const FIX = 'run `pnpm --filter @shared-hosting/cli docs:transcripts` and review the diff';

let story: Record<string, string>;

beforeAll(async () => {
  story = await runStory();
}, 420_000);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('_') ? [] : markdownFiles(file);
    return /\.mdx?$/.test(entry.name) ? [file] : [];
  });
}

describe('the transcripts of the docs', () => {
  it.each(PAGES)('%s shows what each command printed in the story', (page) => {
    const blocks = pageTranscripts(readFileSync(path.join(repoRoot, page), 'utf8'));
    expect(blocks.length, `${page} has no transcript block`).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(story[block.id], `${page}: no story step "${block.id}"`).toBeDefined();
      expect(normalise(block.text).split('\n'), `${page} "${block.id}": ${FIX}`).toEqual(
        normalise(story[block.id] ?? '').split('\n'),
      );
    }
  });

  it('every story step fills a block of a page', () => {
    const shown = PAGES.flatMap((page) =>
      pageTranscripts(readFileSync(path.join(repoRoot, page), 'utf8')).map((b) => b.id),
    );
    expect(Object.keys(story).sort()).toEqual([...new Set(shown)].sort());
  });

  it('every `$ hosting` transcript of the docs is generated', () => {
    const loose: string[] = [];
    for (const file of markdownFiles(path.join(repoRoot, 'docs'))) {
      const page = path.relative(repoRoot, file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^```text\n\$ hosting .*$/gm)) loose.push(`${page}: ${match[0]}`);
    }
    expect(loose).toEqual([]);
  });
});
