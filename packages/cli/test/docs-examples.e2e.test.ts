/**
 * The commands of docs/getting-started.md run as written: every line of its ```bash blocks, in order, with the
 * BUILT `hosting` as `hosting`, against the testkit peers (registry, AWS with ECS, GitHub). Only what cannot run
 * here is left out, and said: installing (npm, pnpm, alias), `git push`, and the environment the page tells a
 * reader to set, which the test servers' environment replaces. A command that fails, or a new line this test
 * cannot place, fails the test: the page cannot drift from the tool. The `hosting` lines of every other page run
 * as written too, each page against peers of its own (test "the hosting commands of the other pages").
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCheckout } from './kit/app.js';
import { requireBuiltBin, runProcess } from './kit/bin.js';
import { type Peers, type PeersOptions, startPeers } from './kit/peers.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const pageFile = path.join(repoRoot, 'docs/getting-started.md');
const bin = path.resolve(import.meta.dirname, '../dist/hosting.cjs');

/** Lines a reader types that this machine does not run, each with the reason. */
const NOT_RUN: [RegExp, string][] = [
  [/^(npm|pnpm) /, 'installing: the release tarball test installs the CLI'],
  [/^alias hosting=/, 'installing: `hosting` is the built CLI here'],
  [/^git push\b/, 'no remote: the GitHub test server runs the infra workflow instead'],
  [/^export (AWS_REGION|GITHUB_TOKEN)=/, "the reader's environment: the test servers' replaces it"],
];

let work: string;
let peers: Peers;

/** The ```bash (and ```sh) blocks of the page, line by line, with the section each is under. */
function bashLines(markdown: string): { section: string; line: string }[] {
  const out: { section: string; line: string }[] = [];
  let section = '';
  for (const match of markdown.matchAll(/^(## .*)$|^```(?:bash|sh)\n([\s\S]*?)^```$/gm)) {
    if (match[1]) section = match[1].slice(3);
    for (const line of (match[2] ?? '').split('\n'))
      if (line.trim()) out.push({ section, line: line.trim() });
  }
  return out;
}

function git(cwd: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.email=d@example.com', '-c', 'user.name=d', ...args], { cwd });
}

/** A directory on PATH with `hosting` (the built CLI) and a `git` that signs commits as a test user. */
function tools(): string {
  const dir = path.join(work, 'bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'hosting'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(path.join(dir, 'hosting'), 0o755);
  return dir;
}

/** A line as a reader types it, in `sh`, with `hosting` on PATH, against `on` (this file's peers by default). */
async function sh(line: string, cwd: string, binDir: string, on = peers) {
  const env = on.env({
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    GIT_AUTHOR_NAME: 'd',
    GIT_AUTHOR_EMAIL: 'd@example.com',
    GIT_COMMITTER_NAME: 'd',
    GIT_COMMITTER_EMAIL: 'd@example.com',
  });
  const r = await runProcess('sh', ['-c', line], { cwd, env });
  return { code: r.code, out: r.stdout + r.stderr };
}

/** The application's repository (a Dockerfile, committed) and the infrastructure repository (an App spec). */
function repositories(base = work) {
  const app = path.join(base, 'hello-app');
  appCheckout(app, { commit: 'd' });
  const infra = path.join(base, 'infra');
  mkdirSync(path.join(infra, 'apps'), { recursive: true });
  writeFileSync(
    path.join(infra, 'apps/hello-app.yaml'),
    'environments:\n  staging:\n    cluster: shared-staging\n    container: web\n  production:\n    cluster: shared-production\n    container: web\n',
  );
  // The --help examples name apps/hello.yaml as another App spec file.
  writeFileSync(path.join(infra, 'apps/hello.yaml'), readFileSync(path.join(infra, 'apps/hello-app.yaml')));
  // The platform pages onboard my-app.
  writeFileSync(path.join(infra, 'apps/my-app.yaml'), readFileSync(path.join(infra, 'apps/hello-app.yaml')));
  git(infra, 'init', '-q');
  git(infra, 'add', '.');
  git(infra, 'commit', '-qm', 'infra');
  return { app, infra };
}

beforeAll(async () => {
  requireBuiltBin();
  peers = await startDocsPeers({ github: { owner: 'acme', repo: 'infra' } });
  work = peers.work;
}, 60_000);

/**
 * The peers with the buildah storage, the ECR repository and the staging ECS service of hello-app (most pages)
 * and my-app.
 */
async function startDocsPeers(options: Pick<PeersOptions, 'github'>): Promise<Peers> {
  const started = await startPeers({ ...options, aws: { ecsTickMs: 20 }, buildah: true });
  for (const app of ['hello-app', 'my-app']) {
    started.aws.createRepository(app);
    started.aws.aws.ecs.addService({
      cluster: 'shared-staging',
      service: app,
      taskDefinition: {
        family: `${app}-staging`,
        containerDefinitions: [{ name: 'web', image: `${started.aws.registry.host}/${app}:previous` }],
      },
      desiredCount: 1,
    });
  }
  return started;
}

afterAll(async () => {
  await peers?.stop();
});

describe('docs/getting-started.md, as written', () => {
  it('runs every command of the page, in order, each succeeding', async () => {
    const { app, infra } = repositories();
    const binDir = tools();
    const lines = bashLines(readFileSync(pageFile, 'utf8'));
    expect(lines.filter((l) => l.line.startsWith('hosting ')).length).toBeGreaterThanOrEqual(5);
    for (const { section, line } of lines) {
      if (NOT_RUN.some(([pattern]) => pattern.test(line))) continue;
      // The platform team's commands run in the infrastructure repository, the others in the application's.
      const cwd = /^Platform team/.test(section) ? infra : app;
      const result = await sh(line, cwd, binDir);
      expect(result.code, `"${line}" (under "${section}") exited ${result.code}:\n${result.out}`).toBe(0);
    }
    expect(peers.github.stats.dispatches.length).toBeGreaterThanOrEqual(1);
  }, 180_000);
});

describe('the examples every --help prints (shown on the CLI reference page)', () => {
  it('are complete: none is refused as bad input (exit 2)', async () => {
    const app = path.join(work, 'hello-app');
    const infra = path.join(work, 'infra');
    const binDir = path.join(work, 'bin');
    const commands = ['deploy', 'rollout', 'status', 'history', 'rollback', 'promote', 'unlock'];
    const examples: string[] = [];
    for (const command of commands) {
      const help = execFileSync(process.execPath, [bin, command, '--help']).toString();
      for (const match of help.matchAll(/^ {2}\$ (hosting .+)$/gm)) if (match[1]) examples.push(match[1]);
    }
    expect(examples.length).toBeGreaterThanOrEqual(commands.length);
    const refused: string[] = [];
    for (const example of examples) {
      // The infrastructure repository's commands run in its checkout (its App specs), the others in the app's.
      const result = await sh(example, example.startsWith('hosting rollout') ? infra : app, binDir);
      if (result.code === 2) refused.push(`${example}\n${result.out}`);
    }
    expect(refused).toEqual([]);
  }, 180_000);
});

/** The docs pages (not partials, generated files or assets), relative to the repository root. */
function docPages(dir = path.join(repoRoot, 'docs')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return /^(_|assets$)/.test(entry.name) ? [] : docPages(file);
    return /\.mdx?$/.test(entry.name) && !entry.name.startsWith('_') ? [path.relative(repoRoot, file)] : [];
  });
}

describe('the hosting commands of the other pages', () => {
  // getting-started.md runs in full above. Each other page runs its `hosting` lines as written, in order, in
  // fresh repositories, against a GitHub peer serving the infrastructure repository the page names
  // (--infra-repo: acme/infra, owner/infra, my-org/shared-hosting-infra): each must succeed, or end with the
  // exit code its comment says.
  it('run as written, each succeeding (or exiting as its comment says)', async () => {
    const pages = docPages().filter((page) => page !== path.relative(repoRoot, pageFile));
    const failed: string[] = [];
    const binDir = tools();
    let ran = 0;
    for (const [index, page] of pages.entries()) {
      const lines = bashLines(readFileSync(path.join(repoRoot, page), 'utf8')).filter((l) =>
        l.line.startsWith('hosting '),
      );
      if (lines.length === 0) continue;
      const named = lines.map((l) => /--infra-repo (\S+)\/(\S+)/.exec(l.line)).find(Boolean);
      // Peers of the page's own: one page's deployments are not another's history.
      const pagePeers = await startDocsPeers({
        github: { owner: named?.[1] ?? 'acme', repo: named?.[2] ?? 'infra' },
      });
      try {
        // Fresh repositories per page: an `init` of one page does not make another's refuse to overwrite.
        const { app, infra } = repositories(path.join(work, `page-${index}`));
        for (const { line } of lines) {
          const cwd = /^hosting (rollout|init --infra)/.test(line) ? infra : app;
          const result = await sh(line, cwd, binDir, pagePeers);
          ran++;
          // A line may say the exit code it ends with: `# exit 3 until ...`.
          const expected = Number(/#\s*exit (\d+)/.exec(line)?.[1] ?? 0);
          if (result.code !== expected)
            failed.push(`${page}: "${line}" exited ${result.code}, not ${expected}:\n${result.out}`);
        }
      } finally {
        await pagePeers.stop();
      }
    }
    expect(ran).toBeGreaterThanOrEqual(8);
    expect(failed).toEqual([]);
  }, 180_000);
});
