import type { Reporter } from '../events.js';
import type { Clock } from '../ports.js';

/** What every step module receives besides its input and ports. */
export interface StepContext {
  /** A progress line within the step, for humans. */
  progress(message: string): void;
  signal: AbortSignal | undefined;
  clock: Clock;
  reporter: Reporter;
}
