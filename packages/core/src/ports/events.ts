import type { StepId } from '../domain/steps.js';
import type { HostingError } from '../errors/errors.js';
import type { RunRef, RunUpdate } from './ports.js';

export type HostingEvent =
  | { type: 'step-start'; step: StepId; title: string; at: number }
  /** Progress within a step: a sentence for humans. */
  | { type: 'step-progress'; step: StepId; message: string; at: number }
  /** A line of tool output (builder logs), shown folded/grouped by adapters. */
  | { type: 'step-log'; step: StepId; line: string; at: number }
  | {
      type: 'step-end';
      step: StepId;
      status: 'done' | 'skipped';
      durationMs: number;
      /** One line: what the step achieved or why it was skipped. */
      summary: string;
      at: number;
    }
  | { type: 'step-fail'; step: StepId; durationMs: number; error: HostingError; at: number }
  /** The infra workflow was dispatched and its run identified. */
  | { type: 'run-dispatched'; run: RunRef; at: number }
  /** The infra run changed (status, job/step, approval wait). */
  | { type: 'run-update'; update: RunUpdate; at: number }
  | { type: 'warning'; message: string; title?: string | undefined; at: number }
  /**
   * Something a person should act on that is not a problem: a rollout paused at a hook, awaiting
   * approval (with the command that gives it). The Action shows it as a notice and in the job summary.
   */
  | { type: 'notice'; message: string; title: string; at: number }
  | { type: 'debug'; message: string; at: number };

export interface Reporter {
  emit(event: HostingEvent): void;
  /**
   * A secret the engine obtained at run time (e.g. the ECR password): adapters mask it from then on
   * (the Action calls core.setSecret, the CLI redacts it). Called before the secret is first used.
   */
  registerSecret?(secret: string): void;
}

/** A reporter that drops everything. */
export const silentReporter: Reporter = { emit: () => {} };

/** A reporter that records events, for tests and for summaries. */
export class RecordingReporter implements Reporter {
  readonly events: HostingEvent[] = [];
  readonly secrets: string[] = [];
  emit(event: HostingEvent): void {
    this.events.push(event);
  }
  registerSecret(secret: string): void {
    this.secrets.push(secret);
  }
  ofType<T extends HostingEvent['type']>(type: T): Extract<HostingEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<HostingEvent, { type: T }> => e.type === type);
  }
}
