/**
 * The CLI in process: the program's `run()` with the real ports, as the bin runs it, but in the test's own
 * process (the integration tests: several deploys at once, and day-2 operations, without a child each).
 */
import { type CliIO, run } from '../../src/program.js';
import type { Env } from './peers.js';

interface InProcessExit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Start `hosting <args>` in process: `done` once it ended, `stderr()` so far (the progress, with --json). */
export function startInProcess(args: string[], options: { cwd: string; env: Env }) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: { write: (t: string) => void out.push(t) },
    stderr: { write: (t: string) => void err.push(t) },
    env: options.env,
    cwd: options.cwd,
    exitCode: 0,
  };
  const done: Promise<InProcessExit> = run(args, io).then((code) => ({
    code,
    stdout: out.join(''),
    stderr: err.join(''),
  }));
  return { done, stderr: () => err.join('') };
}
