// The reference partials the site build generated (docs/reference/_generated): still what the sources say.
// It reads the build's output, so it runs after the build (`pnpm test`), not in `pnpm test:unit`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createProgram, EXIT_CODES } from '@shared-hosting/cli';
import { errorCatalog } from '@shared-hosting/core';
import { describe, expect, it } from 'vitest';
import {
  actionYmlPath,
  parseAction,
  renderActionInputs,
  renderCli,
  renderExitCodes,
  renderTroubleshooting,
} from '../scripts/reference.mjs';

describe('the generated partials of the current build', () => {
  it('are what the sources say now (no stale reference pages)', async () => {
    const dir = path.resolve(import.meta.dirname, '../../../docs/reference/_generated');
    const read = (name: string) => readFile(path.join(dir, name), 'utf8');
    expect(await read('action-inputs.md')).toBe(
      renderActionInputs(parseAction(await readFile(actionYmlPath, 'utf8'))),
    );
    expect(await read('troubleshooting.md')).toBe(renderTroubleshooting(errorCatalog));
    expect(await read('exit-codes.md')).toBe(renderExitCodes(EXIT_CODES));
    expect(await read('cli.md')).toBe(renderCli(createProgram()));
  });
});
