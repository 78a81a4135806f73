import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export type ProcessEnv = Readonly<Record<string, string | undefined>>;

export interface RunOptions {
  env: ProcessEnv;
  cwd?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Every line of stdout and stderr, as it comes. */
  onLine?: ((line: string) => void) | undefined;
  /** Kill the process after this long. */
  timeoutMs?: number | undefined;
}

export interface RunResult {
  /** Exit code; null when killed by a signal (or on timeout). */
  code: number | null;
  /** The last lines of stdout and stderr interleaved (at most 200). */
  tail: string[];
  /** Whole stdout (for short commands whose output we parse). */
  stdout: string;
  timedOut: boolean;
}

/** Runs a command without a shell. The argv never contains a secret (it is visible in `ps`). */
export type ProcessRunner = (
  command: string,
  args: readonly string[],
  options: RunOptions,
) => Promise<RunResult>;

const TAIL = 200;

export const spawnRunner: ProcessRunner = (command, args, options) =>
  new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
    const child = spawn(command, [...args], {
      env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const tail: string[] = [];
    let stdout = '';
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    const lineReader = (isStdout: boolean) => {
      let pending = '';
      return {
        data: (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          if (isStdout && stdout.length < 1_000_000) stdout += text;
          pending += text;
          const parts = pending.split(/\r?\n|\r/);
          pending = parts.pop() ?? '';
          for (const line of parts) emit(line);
        },
        end: () => {
          if (pending) emit(pending);
          pending = '';
        },
      };
    };
    const emit = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL) tail.shift();
      options.onLine?.(line);
    };
    const out = lineReader(true);
    const err = lineReader(false);
    child.stdout?.on('data', out.data);
    child.stderr?.on('data', err.data);
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      out.end();
      err.end();
      resolve({ code, tail, stdout, timedOut });
    });
  });

/** Find an executable on the PATH of `env`. */
export function which(name: string, env: ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}
