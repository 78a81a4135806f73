import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const actionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('committed dist/', () => {
  // The package's test task does not run its build (packages/action/turbo.json), so this compares what is
  // committed with a fresh build, like actions/typescript-action's check-dist workflow.
  it('is what a fresh build produces', () => {
    const r = spawnSync(process.execPath, ['build.mjs', '--check'], { cwd: actionDir, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toMatch(/^dist\/ is up to date/);
    expect(r.status).toBe(0);
    if (process.env.CI) {
      // In CI the work tree must also be the commit: nothing rebuilt dist/ before this test.
      const git = spawnSync('git', ['status', '--porcelain', '--', 'dist'], {
        cwd: actionDir,
        encoding: 'utf8',
      });
      expect(git.stdout).toBe('');
    }
  });
});
