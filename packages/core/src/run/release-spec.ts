import type { LockRecord } from '../domain/lock.js';
import type { ReleaseOptions, WaitPlan } from '../plan/release.js';
import type { OperationPorts } from '../ports/bundles.js';
import type { ParameterValue, WorkflowTarget } from '../ports/ports.js';
import type { SetVersionValue } from '../steps/set-version.js';
import type { ReleaseLive } from './quit.js';
import type { ReleaseResult } from './result.js';
import type { StepRunner } from './runner.js';

/** What the release writes and triggers, known once the operation's preflight has run. */
export interface ReleaseSpec {
  operation: LockRecord['operation'];
  application: string;
  environment: string;
  /** What success means, for the report step, given the value replaced (read under the lock). */
  success: (from: string | undefined) => string;
  /** ECR repository, to confirm the image of a value before writing it back on recovery. */
  repository: string;
  parameter: string;
  /** The value to write. The caller has confirmed its image is in the registry. */
  version: string;
  /** The provenance Description to write with the value, given the value it replaces. */
  description: (current: ParameterValue | undefined) => string;
  workflow: WorkflowTarget;
  wait: WaitPlan;
  /** Who and from where: the lock's holder, and the provenance of a recovery. */
  actor: string;
  runUrl: string | undefined;
}

/** What every part of the release works with: the runner, the ports, the options, the result it fills in. */
export interface ReleaseContext {
  steps: StepRunner;
  ports: OperationPorts;
  options: ReleaseOptions;
  /** Filled in as the steps complete (previousValue, parameterVersion, run, conclusion, recovery). */
  result: ReleaseResult;
  /** Where the release is, for a quit at once (second Ctrl-C). */
  live: ReleaseLive;
}

/** What `set-version` found and did, under the lock. */
export type VersionWrite = SetVersionValue;
