import type { HostingError } from '../errors/errors.js';
import type { RunRef, RunUpdate } from './ports.js';

/** The steps of a deployment, in order. */
export const DEPLOY_STEPS = [
  'preflight',
  'build',
  'tag',
  'push',
  'set-version',
  'trigger',
  'wait',
  'verify',
  'report',
] as const;
/** The steps of a rollout on ECS (the infra repository's side), in order. */
export const ROLLOUT_STEPS = ['read', 'resolve', 'render', 'deploy', 'ecs-wait', 'record'] as const;
export type RolloutStepId = (typeof ROLLOUT_STEPS)[number];

export type StepId = (typeof DEPLOY_STEPS)[number] | 'rollback' | 'lock' | RolloutStepId;

/** The release tail every operation that changes a deployment ends with, in order (run/release.ts runs it). */
export const RELEASE_STEPS = [
  'lock',
  'set-version',
  'trigger',
  'wait',
  'verify',
  'rollback',
  'report',
] as const;

/**
 * Steps that appear only when they have something to do: a lock or a run to wait for, a `deployed`
 * label to check, a value to restore.
 */
export const CONDITIONAL_STEPS: ReadonlySet<StepId> = new Set<StepId>(['lock', 'verify', 'rollback']);

export const STEP_TITLES: Record<StepId, string> = {
  preflight: 'Preflight checks',
  build: 'Build image',
  tag: 'Tag image',
  push: 'Push to ECR',
  'set-version': 'Set version in SSM',
  trigger: 'Trigger infra deployment',
  wait: 'Wait for infra deployment',
  verify: 'Verify deployed version',
  report: 'Report',
  rollback: 'Roll back parameter',
  lock: 'Wait for running deployment',
  read: 'Read version from SSM',
  resolve: 'Resolve image in ECR',
  render: 'Render task definition',
  deploy: 'Update ECS service',
  'ecs-wait': 'Wait for ECS deployment',
  record: 'Record deployed version',
};

export type DeployEvent =
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
  | { type: 'debug'; message: string; at: number };

export interface Reporter {
  emit(event: DeployEvent): void;
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
  readonly events: DeployEvent[] = [];
  readonly secrets: string[] = [];
  emit(event: DeployEvent): void {
    this.events.push(event);
  }
  registerSecret(secret: string): void {
    this.secrets.push(secret);
  }
  ofType<T extends DeployEvent['type']>(type: T): Extract<DeployEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<DeployEvent, { type: T }> => e.type === type);
  }
}

/** Fan out events to several reporters. */
export function teeReporter(...reporters: Reporter[]): Reporter {
  return {
    emit: (event) => {
      for (const r of reporters) r.emit(event);
    },
    registerSecret: (secret) => {
      for (const r of reporters) r.registerSecret?.(secret);
    },
  };
}
