import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProvenance, parseProvenance } from '../domain/provenance.js';
import { InputError } from '../errors/errors.js';
import { normalizeRemoteUrl, resolveSource, runGit } from './source.js';

const sha = 'b'.repeat(40);

function fakeGit(answers: Record<string, string | Error>) {
  return async (args: readonly string[]) => {
    const answer = answers[args.join(' ')];
    if (answer === undefined || answer instanceof Error)
      throw answer ?? new Error(`unexpected git ${args.join(' ')}`);
    return answer;
  };
}

describe('resolveSource', () => {
  it('uses GITHUB_* in Actions', async () => {
    const s = await resolveSource(
      {
        cwd: '/w',
        versionGiven: false,
        versionInput: 'version',
        env: {
          GITHUB_ACTIONS: 'true',
          GITHUB_SHA: sha,
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/hello-app',
          GITHUB_RUN_ID: '42',
          GITHUB_RUN_ATTEMPT: '2',
          GITHUB_ACTOR: 'alice',
        },
      },
      fakeGit({}),
    );
    expect(s).toEqual({
      commit: sha,
      dirty: false,
      repositoryUrl: 'https://github.com/acme/hello-app',
      actor: 'alice',
      runUrl: 'https://github.com/acme/hello-app/actions/runs/42/attempts/2',
      ci: 'github-actions',
    });
  });

  it('reads git locally and strips credentials from the remote', async () => {
    const s = await resolveSource(
      { cwd: '/w', versionGiven: false, versionInput: '<version>', env: {} },
      fakeGit({
        'rev-parse HEAD': sha,
        'status --porcelain --untracked-files=no': '',
        'remote get-url origin': 'https://user:ghp_secret@github.com/acme/hello-app.git',
        'config user.email': 'bob@example.com',
      }),
    );
    expect(s.commit).toBe(sha);
    expect(s.repositoryUrl).toBe('https://github.com/acme/hello-app');
    expect(s.actor).toBe('bob@example.com');
    expect(JSON.stringify(s)).not.toContain('ghp_secret');
  });

  it('counts untracked, not ignored files in the build context as a dirty tree (a real git repository)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'source-untracked-'));
    try {
      const run = (...args: string[]) =>
        runGit(['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], dir);
      await run('init', '-q');
      await writeFile(path.join(dir, '.gitignore'), 'ignored.txt\n');
      await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
      await run('add', '.');
      await run('commit', '-qm', 'init');
      await writeFile(path.join(dir, 'ignored.txt'), 'not built from git\n');
      const options = { cwd: dir, versionGiven: false, versionInput: '<version>', env: {} };
      expect((await resolveSource(options)).dirty).toBe(false);
      await writeFile(path.join(dir, 'secret-config.json'), '{}\n');
      const error = await resolveSource(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toContain(
        'untracked files in the build context ("secret-config.json")',
      );
      expect((error as InputError).fix).toContain('<version>');
      expect((await resolveSource({ ...options, versionGiven: true })).dirty).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a dirty tree unless a version is given', async () => {
    const git = fakeGit({
      'rev-parse HEAD': sha,
      'status --porcelain --untracked-files=no': ' M app.js',
      'remote get-url origin': new Error('no remote'),
      'config user.email': new Error('unset'),
    });
    const error = await resolveSource(
      { cwd: '/w', versionGiven: false, versionInput: '<version>', env: {} },
      git,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('<version>');
    expect((error as InputError).message).toContain('uncommitted changes');
    const ok = await resolveSource(
      { cwd: '/w', versionGiven: true, versionInput: '<version>', env: {} },
      git,
    );
    expect(ok.dirty).toBe(true);
  });

  it('explains a missing git repository', async () => {
    const error = await resolveSource(
      { cwd: '/w', versionGiven: false, versionInput: '<version>', env: {} },
      fakeGit({ 'rev-parse HEAD': new Error('not a git repository') }),
    ).catch((e: unknown) => e);
    expect((error as InputError).fix).toContain('<version>');
  });
});

describe('normalizeRemoteUrl', () => {
  it.each([
    ['git@github.com:acme/app.git', 'https://github.com/acme/app'],
    ['ssh://git@github.example.com/acme/app.git', 'https://github.example.com/acme/app'],
    ['https://x-access-token:abc@github.com/acme/app', 'https://github.com/acme/app'],
    ['/local/path', undefined],
  ])('%s → %s', (remote, url) => expect(normalizeRemoteUrl(remote)).toBe(url));
});

describe('provenance', () => {
  it('round-trips', () => {
    const p = {
      action: 'deploy',
      version: 'v1',
      commit: sha,
      digest: `sha256:${'c'.repeat(64)}`,
      actor: 'alice',
      run: 'https://x/runs/1',
    };
    expect(parseProvenance(formatProvenance(p))).toEqual(p);
  });
  it('stays within SSM’s 1024 characters', () => {
    expect(formatProvenance({ action: 'deploy', actor: 'x'.repeat(2000) }).length).toBeLessThanOrEqual(1024);
  });
  it('ignores foreign descriptions', () => {
    expect(parseProvenance('set by hand')).toBeUndefined();
    expect(parseProvenance(undefined)).toBeUndefined();
  });
});
