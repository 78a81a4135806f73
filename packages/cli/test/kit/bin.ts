/**
 * The BUILT `hosting` bin (dist/hosting.cjs), run as a user runs it: a child process of the machine's Node,
 * with only the environment a test gives it. Every e2e file of the CLI runs it through here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../dist/hosting.cjs');

/** Fails (never skips) when the bin is not built. */
export function requireBuiltBin(): void {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: build the CLI first (pnpm --filter @shared-hosting/cli build)`);
}

/** How a run of the bin ended. */
export interface Exit {
  /** The exit code; -1 when a signal ended it (`signal` says which). */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From the spawn to the end, and the end (epoch ms). */
  ms: number;
  endedAt: number;
}

/** What it printed so far. */
export interface Output {
  stdout: string;
  stderr: string;
}

export interface BinOptions {
  cwd: string;
  /** The whole environment (nothing of the test process's is passed on). */
  env: Record<string, string>;
  /** Called after each chunk of either stream, with all of both so far: to send a signal at a given step. */
  onOutput?: (output: Output, child: ChildProcess) => void;
}

/** A running bin: `output()` so far, `exit` once it ended and its streams closed. */
export interface Running {
  child: ChildProcess;
  output(): Output;
  exit: Promise<Exit>;
}

export function startBin(args: readonly string[], options: BinOptions): Running {
  return startProcess(process.execPath, [BIN, ...args], options);
}

/** Any program as the bin is run (a shell line that calls the bin, say). */
function startProcess(file: string, args: readonly string[], options: BinOptions): Running {
  const started = Date.now();
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Output = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (chunk: Buffer) => {
      out[stream] += chunk;
      options.onOutput?.(out, child);
    });
  }
  const exit = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const endedAt = Date.now();
      resolve({ code: code ?? -1, signal, ...out, ms: endedAt - started, endedAt });
    });
  });
  return { child, output: () => ({ ...out }), exit };
}

/** Run the bin to its end. */
export function runBin(args: readonly string[], options: BinOptions): Promise<Exit> {
  return startBin(args, options).exit;
}

/** Run any program to its end, as the bin. */
export function runProcess(file: string, args: readonly string[], options: BinOptions): Promise<Exit> {
  return startProcess(file, args, options).exit;
}
