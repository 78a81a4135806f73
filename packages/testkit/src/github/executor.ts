/**
 * Runs executed for real: a dispatched run calls a hook (the test's or the demo's), and the run's status,
 * steps and logs follow what the hook does, instead of a schedule.
 */
import type { JobState, RunState, StepState } from './model.js';

/** What the hook learns about the dispatched run. */
export interface ExecutedRun {
  id: number;
  runNumber: number;
  /** The dispatch's inputs, as strings. */
  inputs: Record<string, string>;
  /** Branch or tag the run was dispatched on (without `refs/heads/`). */
  ref: string;
  actor: string;
  displayTitle: string;
  htmlUrl: string;
}

/** Inside a step: write log lines, watch for cancellation. */
export interface StepIo {
  /** Append a line to the current step's log. */
  log(line: string): void;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
}

export interface RunIo extends StepIo {
  /**
   * Run one job step named `name`. It is in_progress while `fn` runs; it concludes `failure` when `fn` throws
   * (the message is logged as `##[error]…`) or returns a non-zero number (an exit code), `cancelled` when the
   * run was cancelled, else `success`. A failed or cancelled step rejects with `StepFailed`, so the hook
   * stops there, like a job does; the run then concludes the same way.
   */
  step<T>(name: string, fn: (io: StepIo) => Promise<T> | T): Promise<T>;
}

/** The hook: execute the run. Throwing (outside a step too) fails the run. */
export type RunExecutor = (run: ExecutedRun, io: RunIo) => Promise<void> | void;

/** Thrown by `io.step()` when the step did not succeed; the peer concludes the run with `conclusion`. */
export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly conclusion: 'failure' | 'cancelled',
  ) {
    super(`step "${step}" concluded ${conclusion}`);
    this.name = 'StepFailed';
  }
}

/** The mutable state of an executed run, which `runState()` answers from. */
export interface LiveRun {
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  job: JobState;
  /** Abort the hook's signal; the run concludes `cancelled` once the hook settles. */
  cancel(): void;
  /** Settles when the run is completed. */
  done: Promise<void>;
}

export interface StartExecutionOptions {
  now(): number;
  /** Time in `queued` before the hook is called (ms). */
  queuedMs: number;
  jobId: number;
  jobName: string;
}

/** Start executing a run: queued for `queuedMs`, then in_progress while the hook runs, then completed. */
export function startExecution(
  run: ExecutedRun,
  executor: RunExecutor,
  options: StartExecutionOptions,
): LiveRun {
  const { now } = options;
  const controller = new AbortController();
  const created = now();
  const job: JobState = {
    id: options.jobId,
    name: options.jobName,
    status: 'queued',
    conclusion: null,
    startedAt: null,
    completedAt: null,
    steps: [],
  };
  let resolveDone: () => void = () => {};
  const live: LiveRun = {
    status: 'queued',
    conclusion: null,
    createdAt: created,
    startedAt: created,
    updatedAt: created,
    job,
    cancel: () => controller.abort(new Error('The run was cancelled.')),
    done: new Promise<void>((resolve) => {
      resolveDone = resolve;
    }),
  };
  const begin = () => {
    if (controller.signal.aborted) {
      finish(live, 'cancelled', now());
      resolveDone();
      return;
    }
    live.status = 'in_progress';
    live.startedAt = now();
    live.updatedAt = live.startedAt;
    job.status = 'in_progress';
    job.startedAt = live.startedAt;
    execute(run, executor, live, controller.signal, now).finally(resolveDone);
  };
  const timer = setTimeout(begin, options.queuedMs);
  timer.unref?.();
  return live;
}

function newStep(job: JobState, name: string, at: number): StepState & { log: string[] } {
  const step = {
    name,
    number: job.steps.length + 1,
    status: 'in_progress' as const,
    conclusion: null,
    startedAt: at,
    completedAt: null,
    log: [] as string[],
  };
  job.steps.push(step);
  return step;
}

function complete(step: StepState, conclusion: string, at: number): void {
  Object.assign(step, { status: 'completed', conclusion, completedAt: at });
}

async function execute(
  run: ExecutedRun,
  executor: RunExecutor,
  live: LiveRun,
  signal: AbortSignal,
  now: () => number,
): Promise<void> {
  const setup = newStep(live.job, 'Set up job', now());
  setup.log.push('Current runner version: 2.321.0 (testkit executor)', `Run ${run.displayTitle}`);
  complete(setup, 'success', now());
  // Lines logged outside a step go to the step before (the job log has no other place).
  let current: StepState & { log: string[] } = setup;
  const log = (line: string) => {
    current.log.push(...String(line).split(/\r?\n/));
    live.updatedAt = now();
  };
  const io: RunIo = {
    log,
    signal,
    step: async (name, fn) => {
      if (signal.aborted) throw new StepFailed(name, 'cancelled');
      const step = newStep(live.job, name, now());
      current = step;
      live.updatedAt = now();
      let conclusion: 'success' | 'failure' | 'cancelled' = 'success';
      try {
        const result = await fn({ log, signal });
        if (typeof result === 'number' && result !== 0) {
          log(`##[error]Process completed with exit code ${result}.`);
          conclusion = 'failure';
        }
        if (signal.aborted) conclusion = 'cancelled';
        if (conclusion !== 'success') throw new StepFailed(name, conclusion);
        return result;
      } catch (error) {
        if (error instanceof StepFailed) {
          conclusion = error.conclusion;
          throw error;
        }
        conclusion = signal.aborted ? 'cancelled' : 'failure';
        log(`##[error]${error instanceof Error ? error.message : String(error)}`);
        throw new StepFailed(name, conclusion);
      } finally {
        complete(step, conclusion, now());
        live.updatedAt = now();
      }
    },
  };
  let conclusion: string = 'success';
  try {
    await executor(run, io);
  } catch (error) {
    conclusion = error instanceof StepFailed ? error.conclusion : signal.aborted ? 'cancelled' : 'failure';
    if (!(error instanceof StepFailed))
      log(`##[error]${error instanceof Error ? error.message : String(error)}`);
  }
  if (signal.aborted) conclusion = 'cancelled';
  const cleanup = newStep(live.job, 'Complete job', now());
  cleanup.log.push('Cleaning up orphan processes');
  complete(cleanup, 'success', now());
  finish(live, conclusion, now());
}

function finish(live: LiveRun, conclusion: string, at: number): void {
  live.status = 'completed';
  live.conclusion = conclusion;
  live.updatedAt = at;
  live.job.status = 'completed';
  live.job.conclusion = live.job.steps.length === 0 ? 'cancelled' : conclusion;
  live.job.startedAt ??= at;
  live.job.completedAt = at;
}

/** The run's state for the API: a snapshot of the live run. */
export function liveRunState(live: LiveRun): RunState {
  return {
    status: live.status,
    conclusion: live.conclusion,
    updatedAt: live.updatedAt,
    startedAt: live.startedAt,
    jobs: live.status === 'queued' || live.job.steps.length === 0 ? [] : [structuredClone(live.job)],
  };
}
