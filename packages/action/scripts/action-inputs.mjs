#!/usr/bin/env node
// Writes src/action-inputs.ts from action.yml: every input's name, keyed by its name in camelCase, so that
// the Action's code takes its input names from action.yml (src/inputs.ts refers to them by key: an input
// renamed or removed there no longer compiles). `node scripts/action-inputs.mjs --check` fails when the
// committed file differs from a fresh one (src/action-inputs.test.ts runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'src/action-inputs.ts');

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

/** The generated module's text, from action.yml's text. */
function generate(actionYml) {
  const inputs = Object.keys(parse(actionYml).inputs ?? {}).sort();
  const lines = inputs.map((name) => `  ${camel(name)}: '${name}',`);
  return [
    '// Generated from action.yml by scripts/action-inputs.mjs: do not edit. After changing the inputs of',
    '// action.yml, run `pnpm --filter @shared-hosting/action gen:inputs` (a test fails until then).',
    '',
    '/** Every input of action.yml: its name, by that name in camelCase. */',
    'export const ACTION_YML_INPUTS = {',
    ...lines,
    '} as const;',
    '',
  ].join('\n');
}

const fresh = generate(readFileSync(path.join(root, 'action.yml'), 'utf8'));
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(out, 'utf8');
  } catch {}
  if (committed !== fresh) {
    console.error(
      'src/action-inputs.ts is not what action.yml gives: run pnpm --filter @shared-hosting/action gen:inputs',
    );
    process.exit(1);
  }
} else {
  writeFileSync(out, fresh);
}
