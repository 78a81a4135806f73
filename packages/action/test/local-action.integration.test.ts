/**
 * One deployment through @github/local-action (its `run <path> <entrypoint> <dotenv>` command): the
 * TypeScript sources, with @actions/core stubbed by the tool, against the testkit peers.
 *
 * The tool's launcher (`local-action`) runs `npm exec tsx …`, which in a pnpm workspace cannot find tsx
 * and would try the registry; so this starts the same command itself: tsx from the tool's own
 * dependencies, TARGET_ACTION_PATH and NODE_PACKAGE_MANAGER set as the launcher sets them.
 */
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputVariable } from '../src/inputs.js';
import { actionDir, jobEnv, parseFileCommands, runnerEnv, runnerFiles, usePeers } from './runner.js';

const peers = usePeers({
  name: 'action-local',
  build: true,
  files: {
    'hello.txt': 'hello from local-action\n',
    Dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n',
  },
});

function localAction(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  // The tool's folder, through the package's link (its exports do not include package.json).
  const toolDir = realpathSync(path.join(actionDir, 'node_modules', '@github', 'local-action'));
  const tsx = createRequire(path.join(toolDir, 'package.json')).resolve('tsx/cli');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, path.join(toolDir, 'src', 'index.ts'), ...args], {
      cwd: actionDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        TARGET_ACTION_PATH: actionDir,
        NODE_PACKAGE_MANAGER: 'pnpm',
        NODE_NO_WARNINGS: '1',
        // Workspace packages as TypeScript sources (their "source" export), as vitest resolves them: no
        // build of packages/core needed.
        NODE_OPTIONS: '--conditions=source',
        NO_COLOR: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('@github/local-action', () => {
  it('runs src/main.ts: deploys against the peers and sets the outputs', async () => {
    const sha = 'c'.repeat(40);
    const files = await runnerFiles();
    const inputs: Record<string, string> = {
      application: 'hello-app',
      environment: 'staging',
      'infra-repository': 'acme/infra',
      builder: 'buildah',
      'github-token': peers.github.token,
    };
    const runner = runnerEnv(files, peers.workspace);
    // The tool reads the inputs (and where the summary goes) from a dotenv file.
    const dotenv = [
      ...Object.entries(inputs).map(([name, value]) => `${inputVariable(name)}=${value}`),
      `GITHUB_STEP_SUMMARY=${runner.GITHUB_STEP_SUMMARY}`,
      '',
    ].join('\n');
    await writeFile(path.join(files.dir, '.env'), dotenv);
    const { code, out } = await localAction(['run', '.', 'src/main.ts', path.join(files.dir, '.env')], {
      ...jobEnv(peers, sha),
      ...runner,
    });
    if (process.env.SHOW_OUTPUT) console.log(out);
    expect(code, out).toBe(0);
    expect(out).toContain('Running Action');
    const run = peers.github.infra.runs().at(-1);
    expect(run).toBeDefined();
    // local-action shows the outputs it captured; with the real @actions/core they go to GITHUB_OUTPUT.
    const written = parseFileCommands(readFileSync(files.output, 'utf8'));
    const shown = (name: string, value: string) => out.includes(name) && out.includes(value);
    for (const [name, value] of Object.entries({
      image: `${peers.aws.registry.host}/hello-app:${sha}`,
      version: sha,
      'run-id': String(run?.id),
      'run-url': peers.github.infra.runUrl(run?.id ?? 0),
      conclusion: 'success',
    })) {
      expect(written[name] === value || shown(name, value), `${name}=${value}\n${out}`).toBe(true);
    }
    expect(out).not.toMatch(/::error/);
    expect(peers.aws.aws.ssm.parameters.get('/shared-hosting/hello-app/staging/version')?.at(-1)?.Value).toBe(
      sha,
    );
  }, 180_000);
});
