import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_YML_INPUTS } from './action-inputs.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('src/action-inputs.ts, generated from action.yml', () => {
  it('is what the generator makes of the committed action.yml (pnpm --filter @shared-hosting/action gen:inputs)', () => {
    const check = spawnSync(process.execPath, ['scripts/action-inputs.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('holds every input of action.yml, and nothing else', () => {
    const action = parse(readFileSync(`${root}/action.yml`, 'utf8')) as { inputs: Record<string, unknown> };
    expect(Object.values(ACTION_YML_INPUTS).sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
