// The reference generator: safe Markdown from arbitrary descriptions, and pages that say what the sources say.
import { readFile } from 'node:fs/promises';
import { createProgram, EXIT_CODES } from '@shared-hosting/cli';
import { errorCatalog } from '@shared-hosting/core';
import { describe, expect, it } from 'vitest';
import {
  actionYmlPath,
  describeProgram,
  mdCode,
  mdProse,
  mdText,
  parseAction,
  renderActionInputs,
  renderActionOutputs,
  renderCli,
  renderExitCodes,
  renderTroubleshooting,
} from '../scripts/reference.mjs';

describe('Markdown escaping', () => {
  it('keeps MDX from reading descriptions as JSX or expressions, and tables from splitting', () => {
    expect(mdText('Defaults to "<context>/Dockerfile" {x} a|b')).toBe(
      'Defaults to "&lt;context&gt;/Dockerfile" &#123;x&#125; a\\|b',
    );
    expect(mdText('AWS_REGION *and*\n  more')).toBe('AWS\\_REGION \\*and\\* more');
    expect(mdCode('--app <name>')).toBe('`--app <name>`');
    expect(mdCode('a|b')).toBe('`a\\|b`');
    // A code span stays code with its text as written (MDX shows "&lt;" inside code literally).
    expect(mdText('the repository `<repository>/build-cache` (a|b)')).toBe(
      'the repository `<repository>/build-cache` (a\\|b)',
    );
  });

  it('shows the flags, variables and URLs of a sentence as code, and links only real URLs', () => {
    expect(mdProse('Check --infra-ref / infra-ref, or set GITHUB_API_URL to https://HOST/api/v3.')).toBe(
      'Check `--infra-ref` / infra-ref, or set `GITHUB_API_URL` to `https://HOST/api/v3`.',
    );
    expect(mdProse('See https://www.githubstatus.com (or a fine-grained token) <x>.')).toBe(
      'See [`https://www.githubstatus.com`](https://www.githubstatus.com) (or a fine-grained token) &lt;x&gt;.',
    );
  });
});

describe('the Action reference', () => {
  const fixture = `
name: Fixture
description: d
inputs:
  application:
    description: The app's name, e.g. "<name>".
    required: true
  wait:
    description: Wait for it.
    default: 'true'
  old:
    description: Gone.
    deprecationMessage: Use new instead.
outputs:
  run-url:
    description: Link | to the run.
runs:
  using: node24
  main: dist/index.js
`;

  it('lists every input with required, default and description, in file order', () => {
    const action = parseAction(fixture);
    expect(action.inputs.map((i: { name: string }) => i.name)).toEqual(['application', 'wait', 'old']);
    const md = renderActionInputs(action);
    // Each row is its own link target (#input-<name>), so other pages can link to it.
    expect(md).toContain(
      '| <Link id="input-application" to="#input-application">`application`</Link> | yes |  | The app\'s name, e.g. "&lt;name&gt;". |',
    );
    expect(md).toContain(
      '| <Link id="input-wait" to="#input-wait">`wait`</Link> | no | `true` | Wait for it. |',
    );
    expect(md).toContain('**Deprecated:** Use new instead.');
    expect(renderActionOutputs(action)).toContain(
      '| <Link id="output-run-url" to="#output-run-url">`run-url`</Link> | Link \\| to the run. |',
    );
  });

  it('renders every input of the real action.yml', async () => {
    const action = parseAction(await readFile(actionYmlPath, 'utf8'));
    expect(action.inputs.length).toBeGreaterThan(0);
    const md = renderActionInputs(action);
    for (const input of action.inputs)
      expect(md).toContain(
        `| <Link id="input-${input.name}" to="#input-${input.name}">\`${input.name}\`</Link> |`,
      );
    // A code span of the source stays code, as written: no "&lt;" shown literally.
    expect(md).not.toMatch(/`[^`|]*&lt;[^`|]*`/);
  });
});

describe('the CLI reference', () => {
  it('walks every command and option of the program, and every exit code', () => {
    const program = createProgram();
    const described = describeProgram(program);
    expect(described.commands.map((c: { name: string }) => c.name)).toEqual(
      program.commands.map((c) => c.name()),
    );
    const md = renderCli(program);
    for (const command of program.commands) {
      expect(md).toContain(`## \`hosting ${command.name()}\` {/* #hosting-${command.name()} */}`);
      for (const option of command.options) expect(md).toContain(`\`${option.flags}\``);
    }
    const exits = renderExitCodes(EXIT_CODES);
    for (const exit of EXIT_CODES) expect(exits).toContain(`| \`${exit.code}\` | \`${exit.name}\` |`);
  });
});

describe('troubleshooting', () => {
  it('has a section with cause and fix for every catalogued error', () => {
    const md = renderTroubleshooting(errorCatalog);
    for (const entry of errorCatalog) {
      expect(md).toContain(`{/* #${entry.code.toLowerCase().replace(/_/g, '-')} */}`);
      expect(md).toContain(`Code: \`${entry.code}\``);
    }
  });
});

describe('the App spec reference', () => {
  it('has one row per key of the schema, with its description, default and form', async () => {
    const { appSpecSchema } = await import('@shared-hosting/core');
    const { appSpecRows, renderAppSpec } = await import('../scripts/reference.mjs');
    const rows = appSpecRows(appSpecSchema);
    expect(rows.map((r: { key: string }) => r.key)).toEqual([
      'repository',
      'parameter',
      'environments',
      'environments.<name>.cluster',
      'environments.<name>.service',
      'environments.<name>.container',
      'environments.<name>.services',
      'environments.<name>.services.<name>.service',
      'environments.<name>.services.<name>.container',
      'environments.<name>.release',
      'environments.<name>.release.service',
      'environments.<name>.release.command',
      'environments.<name>.release.timeout',
    ]);
    const page = renderAppSpec(appSpecSchema);
    expect(page).toContain(
      '| `environments.<name>.cluster` | yes |  | The ECS cluster (name or ARN). Overridden by --cluster.',
    );
    expect(page).toContain('| `repository` | no | the application name |');
    expect(page).toContain('| `environments.<name>.release.command` | yes |  |');
    expect(page).toContain('| `environments.<name>.release.timeout` | no | 10m |');
    expect(page).toContain('&#123;environment&#125;');
  });
});
