import { execFile } from 'node:child_process';
import os from 'node:os';
import type { SourceInfo } from '../domain/provenance.js';
import { InputError } from '../errors/errors.js';

/** Runs git with arguments in a directory and returns trimmed stdout; rejects when git fails. */
export type GitRunner = (args: readonly string[], cwd: string) => Promise<string>;

export const runGit: GitRunner = (args, cwd) =>
  new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.trim());
    });
  });

/** Turn a git remote URL into a browser URL, dropping any credentials. */
export function normalizeRemoteUrl(remote: string): string | undefined {
  const text = remote.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(text);
  if (scp && !text.includes('://')) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(text);
    if (!['http:', 'https:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
    const pathname = url.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '');
    return `https://${url.hostname}${pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Resolve the commit and provenance. In GitHub Actions from GITHUB_* variables; elsewhere from git.
 * Read-only: never changes anything.
 */
export async function resolveSource(
  options: {
    cwd: string;
    env: Readonly<Record<string, string | undefined>>;
    versionGiven: boolean;
    versionInput: string;
  },
  git: GitRunner = runGit,
): Promise<SourceInfo> {
  const { env, cwd } = options;
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_SHA) {
    const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
    const repository = env.GITHUB_REPOSITORY;
    const runUrl =
      repository && env.GITHUB_RUN_ID
        ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
        : undefined;
    return {
      commit: env.GITHUB_SHA,
      dirty: false,
      repositoryUrl: repository ? `${server}/${repository}` : undefined,
      actor: env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || 'github-actions',
      runUrl,
      ci: 'github-actions',
    };
  }

  let commit: string;
  try {
    commit = await git(['rev-parse', 'HEAD'], cwd);
  } catch (cause) {
    if (options.versionGiven) {
      // No git repository: acceptable when the version is given explicitly.
      return {
        commit: 'unknown',
        dirty: false,
        repositoryUrl: undefined,
        actor: localActor(env),
        runUrl: undefined,
        ci: 'local',
      };
    }
    throw new InputError(
      options.versionInput,
      `Cannot determine the version: ${cwd} is not a git repository with a commit (git rev-parse HEAD failed).`,
      `Run from your application's git repository, or pass ${options.versionInput} explicitly.`,
      { cause },
    );
  }
  const dirty = await dirtyTree(git, cwd);
  if (dirty && !options.versionGiven) {
    throw new InputError(
      options.versionInput,
      `The working tree ${dirty}, so commit ${commit.slice(0, 12)} does not describe what would be built.`,
      `Commit or stash your changes (untracked files: commit them, add them to .gitignore, or git stash --include-untracked), or pass ${options.versionInput} to deploy them under an explicit version.`,
    );
  }
  const remote = await git(['remote', 'get-url', 'origin'], cwd).catch(() => '');
  const user = await git(['config', 'user.email'], cwd).catch(() => '');
  return {
    commit,
    dirty: dirty !== undefined,
    repositoryUrl: remote ? normalizeRemoteUrl(remote) : undefined,
    actor: user || localActor(env),
    runUrl: undefined,
    ci: 'local',
  };
}

/**
 * Why the tree does not match its commit: changes to tracked files anywhere, or untracked files (not
 * ignored) in the build context (`cwd`), which a build would copy in. Undefined when clean.
 */
async function dirtyTree(git: GitRunner, cwd: string): Promise<string | undefined> {
  const status = await git(['status', '--porcelain', '--untracked-files=no'], cwd).catch(() => '');
  if (status !== '') return 'has uncommitted changes';
  const untracked = await git(['ls-files', '--others', '--exclude-standard', '--', '.'], cwd).catch(() => '');
  const files = untracked.split('\n').filter((f) => f !== '');
  if (files.length === 0) return undefined;
  const shown = files
    .slice(0, 3)
    .map((f) => JSON.stringify(f))
    .join(', ');
  return `has untracked files in the build context (${shown}${files.length > 3 ? `, and ${files.length - 3} more` : ''})`;
}

function localActor(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return env.USER || env.USERNAME || os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** A precondition error for missing local files, kept here with the other source checks. */
export function missingPathError(input: string, what: string, file: string): InputError {
  return new InputError(
    input,
    `The ${what} ${file} does not exist.`,
    `Pass ${input} with the path to your ${what}.`,
  );
}
