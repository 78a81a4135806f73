import { execFile } from 'node:child_process';
import os from 'node:os';
import { InputError } from './errors.js';

/** Where a deployment comes from: the commit, who deployed it and from where. */
export interface SourceInfo {
  /** Full commit SHA. */
  commit: string;
  /** Uncommitted changes in the working tree (local runs only). */
  dirty: boolean;
  /** Browser URL of the source repository, without credentials, when known. */
  repositoryUrl: string | undefined;
  /** Who deploys: the GitHub actor in Actions, else the git user or OS user. */
  actor: string;
  /** The Actions run URL, when running in GitHub Actions. */
  runUrl: string | undefined;
  ci: 'github-actions' | 'local';
}

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
  const status = await git(['status', '--porcelain', '--untracked-files=no'], cwd).catch(() => '');
  const dirty = status !== '';
  if (dirty && !options.versionGiven) {
    throw new InputError(
      options.versionInput,
      `The working tree has uncommitted changes, so commit ${commit.slice(0, 12)} does not describe what would be built.`,
      `Commit or stash your changes, or pass ${options.versionInput} to deploy them under an explicit version.`,
    );
  }
  const remote = await git(['remote', 'get-url', 'origin'], cwd).catch(() => '');
  const user = await git(['config', 'user.email'], cwd).catch(() => '');
  return {
    commit,
    dirty,
    repositoryUrl: remote ? normalizeRemoteUrl(remote) : undefined,
    actor: user || localActor(env),
    runUrl: undefined,
    ci: 'local',
  };
}

function localActor(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return env.USER || env.USERNAME || os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// Provenance: what we record in the SSM parameter's Description, and read back for day-2 commands.
// ---------------------------------------------------------------------------------------------

export interface Provenance {
  /** deploy, rollback or promote. */
  action: string;
  version?: string | undefined;
  commit?: string | undefined;
  digest?: string | undefined;
  actor?: string | undefined;
  run?: string | undefined;
  /** Rollback: the version rolled back from. Promote: the source environment. */
  from?: string | undefined;
  source?: string | undefined;
}

const PROVENANCE_PREFIX = 'shared-hosting';
const SSM_DESCRIPTION_MAX = 1024;

/** `shared-hosting deploy | version=… | commit=… | digest=… | actor=… | run=…` (at most 1024 characters). */
export function formatProvenance(p: Provenance): string {
  const fields: [string, string | undefined][] = [
    ['version', p.version],
    ['commit', p.commit],
    ['digest', p.digest],
    ['from', p.from],
    ['source', p.source],
    ['actor', p.actor],
    ['run', p.run],
  ];
  const parts = [`${PROVENANCE_PREFIX} ${p.action}`];
  for (const [key, value] of fields) {
    if (value) parts.push(`${key}=${value.replace(/\s*\|\s*/g, '/').replace(/[\r\n]+/g, ' ')}`);
  }
  let text = parts.join(' | ');
  while (text.length > SSM_DESCRIPTION_MAX && parts.length > 1) {
    parts.splice(parts.length - 1, 1);
    text = parts.join(' | ');
  }
  return text.slice(0, SSM_DESCRIPTION_MAX);
}

/** Parse a Description written by `formatProvenance`; undefined for anything else. */
export function parseProvenance(description: string | undefined): Provenance | undefined {
  if (!description?.startsWith(`${PROVENANCE_PREFIX} `)) return undefined;
  const [head, ...rest] = description.split(' | ');
  const result: Provenance = { action: (head ?? '').slice(PROVENANCE_PREFIX.length + 1) };
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq) as keyof Provenance;
    if (['version', 'commit', 'digest', 'actor', 'run', 'from', 'source'].includes(key)) {
      result[key] = part.slice(eq + 1);
    }
  }
  return result;
}

/** A precondition error for missing local files, kept here with the other source checks. */
export function missingPathError(input: string, what: string, file: string): InputError {
  return new InputError(
    input,
    `The ${what} ${file} does not exist.`,
    `Pass ${input} with the path to your ${what}.`,
  );
}
