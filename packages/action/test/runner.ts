/**
 * Runs the committed bundle the way the GitHub Actions runner does: `node dist/index.js` (or post.js) in
 * the workspace, inputs as INPUT_<NAME> variables (upper case, spaces → `_`, dashes kept), file commands
 * through GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE, and the post step's state as STATE_<name>.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { inputVariable } from '../src/inputs.js';

export const actionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
export async function removeRunnerFiles(): Promise<void> {
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
}

/** Spawn the committed bundle (asynchronously: the peers run in this process). */
export function runBundle(options: RunOptions): Promise<RunResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(options.files.dir, 'home'),
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: options.files.output,
    GITHUB_STEP_SUMMARY: options.files.summary,
    GITHUB_STATE: options.files.state,
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: options.files.temp,
  };
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(actionDir, 'dist', options.entry)], {
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
      });
    });
    options.onSpawn?.(child);
  });
}
