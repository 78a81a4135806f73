import type { Reporter } from '../ports/events.js';
import type { Clock } from '../ports/ports.js';

/**
 * The step contract: every step module is `f(input, ports, StepContext) → StepOutcome` (or `undefined`
 * when it has nothing to do). The runner (run/runner.ts) announces, times and records it.
 */

/** What a step returns: whether it did its work or skipped it, a line saying which, and its value. */
export interface StepOutcome<T> {
  status: 'done' | 'skipped';
  summary: string;
  value: T;
}

export const done = <T>(summary: string, value: T): StepOutcome<T> => ({ status: 'done', summary, value });
export const skipped = <T>(summary: string, value: T): StepOutcome<T> => ({
  status: 'skipped',
  summary,
  value,
});

/** What every step module receives besides its inputs and ports. */
export interface StepContext {
  /** A sentence for humans about what the step is doing now. */
  progress(message: string): void;
  /** A line of tool output (builder logs). */
  log(line: string): void;
  signal: AbortSignal | undefined;
  clock: Clock;
  reporter: Reporter;
}
