import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Plugin } from '@docusaurus/types';

const siteDir = path.resolve(__dirname, '../..');
const repoRoot = path.resolve(siteDir, '../..');

/**
 * Generates the reference partials (docs/reference/_generated/) from action.yml, the CLI program and the
 * error catalog. Runs in a child process: Node itself imports the ESM workspace packages.
 */
export function generateReference(): void {
  execFileSync(process.execPath, [path.join(siteDir, 'scripts/generate-reference.mjs')], {
    cwd: siteDir,
    stdio: 'inherit',
  });
}

/**
 * During `docusaurus start`, regenerates the partials when action.yml or the built CLI/core change; the docs
 * plugin then reloads the rewritten partials. (The config generates them once before the docs are read.)
 */
export default function generateReferencePlugin(): Plugin {
  let first = true;
  return {
    name: 'generate-reference',
    getPathsToWatch() {
      return [
        path.join(repoRoot, 'packages/action/action.yml'),
        path.join(repoRoot, 'packages/cli/dist/index.js'),
        path.join(repoRoot, 'packages/core/dist/catalog.js'),
      ];
    },
    async loadContent() {
      if (first) {
        first = false;
        return;
      }
      generateReference();
    },
  };
}
