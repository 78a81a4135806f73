import { STEP_TITLES, type StepId } from '../domain/steps.js';
import { type HostingError, InterruptedError, toHostingError } from '../errors/errors.js';
import type { Reporter } from '../ports/events.js';
import type { Clock } from '../ports/ports.js';
import type { StepContext, StepOutcome } from '../steps/step.js';

/**
 * The steps that change something outside this process when done (`tag` is promote's retag in ECR; a
 * deploy's local tag changes nothing, but says so too): the lock is released whatever happens.
 */
const CHANGING_STEPS: readonly StepId[] = ['tag', 'push', 'set-version', 'trigger', 'restore'];

/** What one step did, in the order the steps ran. */
export interface StepRecord {
  step: StepId;
  status: 'done' | 'skipped' | 'failed';
  durationMs: number;
  summary: string;
}

/** A step's error, already reported; carries it out of the steps. */
export class StepFailure extends Error {
  constructor(readonly error: HostingError) {
    super(error.message);
  }
}

/** The one error unwrap: a step's failure or anything thrown, as a HostingError. */
export function unwrap(thrown: unknown): HostingError {
  return thrown instanceof StepFailure ? thrown.error : toHostingError(thrown);
}

/**
 * Runs one step with start/end events and timing, recording it. A step that returns `undefined` had
 * nothing to do (a lock nobody holds, a restore after a success): it is neither shown nor recorded.
 */
export class StepRunner {
  constructor(
    private readonly clock: Clock,
    private readonly reporter: Reporter,
    readonly records: StepRecord[],
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Run a step: announced at once, recorded when it ends. */
  async run<T>(step: StepId, fn: (ctx: StepContext) => Promise<StepOutcome<T>>): Promise<T> {
    return (await this.execute(step, fn, true)) as T;
  }

  /**
   * Run a step that may have nothing to do (`undefined`): then it emits no event and leaves no record.
   * It is announced only once it reports progress or ends.
   */
  async runOptional<T>(
    step: StepId,
    fn: (ctx: StepContext) => Promise<StepOutcome<T> | undefined>,
  ): Promise<T | undefined> {
    return this.execute(step, fn, false);
  }

  /** Interrupted between steps: says which of the steps done so far changed something, if any. */
  private interruptedBefore(step: StepId): InterruptedError {
    const changed = this.records
      .filter((r) => r.status === 'done' && CHANGING_STEPS.includes(r.step))
      .map((r) => STEP_TITLES[r.step].toLowerCase());
    const what = changed.length === 0 ? 'Nothing was changed.' : `Done before it: ${changed.join(', ')}.`;
    return new InterruptedError(`Interrupted before ${STEP_TITLES[step].toLowerCase()}. ${what}`, {
      fix:
        changed.length === 0
          ? 'Run the command again when ready.'
          : 'Check hosting status before running it again.',
    });
  }

  private async execute<T>(
    step: StepId,
    fn: (ctx: StepContext) => Promise<StepOutcome<T> | undefined>,
    eager: boolean,
  ): Promise<T | undefined> {
    if (this.signal?.aborted) throw new StepFailure(this.interruptedBefore(step));
    const started = this.clock.now();
    let announced = false;
    const announce = () => {
      if (announced) return;
      announced = true;
      this.reporter.emit({ type: 'step-start', step, title: STEP_TITLES[step], at: started });
    };
    const ctx = this.context(step, announce);
    if (eager) announce();
    try {
      const outcome = await fn(ctx);
      if (outcome === undefined) return undefined;
      announce();
      this.end(step, outcome.status, started, outcome.summary);
      return outcome.value;
    } catch (thrown) {
      announce();
      const error = unwrap(thrown);
      const durationMs = this.clock.now() - started;
      this.records.push({ step, status: 'failed', durationMs, summary: error.message });
      this.reporter.emit({ type: 'step-fail', step, durationMs, error, at: this.clock.now() });
      throw new StepFailure(error);
    }
  }

  /**
   * A runner over the same records that no longer checks the abort signal (and gives the steps none):
   * for the steps that must finish once begun, e.g. the trigger after the version was written.
   */
  shielded(): StepRunner {
    return new StepRunner(this.clock, this.reporter, this.records, undefined);
  }

  skip(step: StepId, summary: string): void {
    const at = this.clock.now();
    this.reporter.emit({ type: 'step-start', step, title: STEP_TITLES[step], at });
    this.end(step, 'skipped', at, summary);
  }

  private context(step: StepId, announce: () => void): StepContext {
    const { clock, reporter, signal } = this;
    return {
      progress: (message) => {
        announce();
        reporter.emit({ type: 'step-progress', step, message, at: clock.now() });
      },
      log: (line) => {
        announce();
        reporter.emit({ type: 'step-log', step, line, at: clock.now() });
      },
      signal,
      clock,
      reporter,
    };
  }

  private end(step: StepId, status: 'done' | 'skipped', started: number, summary: string): void {
    const durationMs = this.clock.now() - started;
    this.records.push({ step, status, durationMs, summary });
    this.reporter.emit({ type: 'step-end', step, status, durationMs, summary, at: this.clock.now() });
  }
}
