import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ExecutedRun, RunExecutor, StepIo } from './executor.js';

/** One process to run as a job step. */
export interface CommandStep {
  /** Step name. Default `Run <command> <args>`. */
  name?: string | ((run: ExecutedRun) => string);
  command: string;
  args?: readonly string[] | ((run: ExecutedRun) => readonly string[]);
  /** Added to the environment (over `process.env` unless `inheritEnv: false`). */
  env?: Record<string, string> | ((run: ExecutedRun) => Record<string, string>);
  /** Default true: start from `process.env`. */
  inheritEnv?: boolean;
  cwd?: string;
}

const resolve = <T>(value: T | ((run: ExecutedRun) => T), run: ExecutedRun): T =>
  typeof value === 'function' ? (value as (run: ExecutedRun) => T)(run) : value;

/**
 * Spawn `command args` (no shell), stream its stdout and stderr lines into the step log, and resolve with
 * its exit code (128 + signal number when it was killed). The run's cancellation sends SIGTERM (SIGKILL
 * after 5 s). A command that cannot be started rejects (the step fails with the spawn error).
 */
export function runCommand(
  io: StepIo,
  spec: { command: string; args?: readonly string[]; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<number> {
  return new Promise((done, reject) => {
    const child = spawn(spec.command, [...(spec.args ?? [])], {
      env: spec.env ?? process.env,
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      killTimer.unref();
    };
    if (io.signal.aborted) onAbort();
    else io.signal.addEventListener('abort', onAbort, { once: true });
    const streams = [child.stdout, child.stderr].map(
      (stream) =>
        new Promise<void>((closed) => {
          const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
          lines.on('line', (line) => io.log(line));
          lines.on('close', () => closed());
        }),
    );
    child.once('error', (error) => {
      io.signal.removeEventListener('abort', onAbort);
      reject(new Error(`could not start ${spec.command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      io.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      const exit = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
      void Promise.all(streams).then(() => done(exit));
    });
  });
}

/**
 * An executor that runs each of `steps` as a process, one job step each, in order: a non-zero exit code
 * fails that step and the run (later steps are not run). Generic: the test or demo says what to spawn,
 * e.g. `commandExecutor({ command: 'node', args: (run) => [cli, 'rollout', '--app', run.inputs.application ?? ''] })`.
 */
export function commandExecutor(steps: CommandStep | readonly CommandStep[]): RunExecutor {
  const list = Array.isArray(steps) ? (steps as readonly CommandStep[]) : [steps as CommandStep];
  return async (run, io) => {
    for (const step of list) {
      const args = resolve(step.args ?? [], run);
      const extra = step.env ? resolve(step.env, run) : {};
      const env = step.inheritEnv === false ? { ...extra } : { ...process.env, ...extra };
      const name = step.name ? resolve(step.name, run) : `Run ${[step.command, ...args].join(' ')}`;
      await io.step(name, (stepIo) =>
        runCommand(stepIo, { command: step.command, args, env, ...(step.cwd ? { cwd: step.cwd } : {}) }),
      );
    }
  };
}
