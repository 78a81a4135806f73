import type { CliIO } from './types.js';

/** A CliIO that records what a command writes, for tests. */
export function memoryIO(
  cwd: string,
  env: Record<string, string | undefined> = {},
): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (text: string) => void out.push(text) },
    stderr: { write: (text: string) => void err.push(text) },
    env,
    cwd,
    exitCode: 0,
  };
}
