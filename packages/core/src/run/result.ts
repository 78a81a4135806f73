import type { HostingError } from '../errors/errors.js';
import type { FailedJob, RunRef } from '../ports/ports.js';
import type { RecoveryResult } from '../steps/restore.js';
import type { StepRecord } from './runner.js';

/** What a deploy, rollback or promote did: filled in step by step. */
export interface ReleaseResult {
  status: 'succeeded' | 'failed';
  dryRun: boolean;
  error: HostingError | undefined;
  application: string;
  environment: string;
  version: string;
  /** Full image reference `<registry>/<repository>:<version>`, once known. */
  image: string | undefined;
  digest: string | undefined;
  /** Whether the image was already in the registry (build and push skipped). */
  imageExisted: boolean | undefined;
  builder: string | undefined;
  parameterName: string;
  parameterVersion: number | undefined;
  /** The parameter's value before this deployment (undefined when it did not exist). */
  previousValue: string | undefined;
  run: RunRef | undefined;
  conclusion: string | undefined;
  failedJobs: readonly FailedJob[];
  steps: StepRecord[];
  /**
   * Whether the `deployed` label confirmed that the infra run rolled out this version (false: another
   * one went live); undefined when not checked (no label kept, or no successful run waited for).
   */
  verified?: boolean | undefined;
  /** With rollbackOnFailure, what happened after the infra run failed. */
  recovery?: RecoveryResult | undefined;
}

/** A result before any step ran. */
export function newResult(
  target: { application: string; environment: string; parameter: string },
  version: string,
  dryRun: boolean,
  imageExisted: boolean | undefined,
): ReleaseResult {
  return {
    status: 'failed',
    dryRun,
    error: undefined,
    application: target.application,
    environment: target.environment,
    version,
    image: undefined,
    digest: undefined,
    imageExisted,
    builder: undefined,
    parameterName: target.parameter,
    parameterVersion: undefined,
    previousValue: undefined,
    run: undefined,
    conclusion: undefined,
    failedJobs: [],
    steps: [],
  };
}

/** The outputs of design.md, as strings (empty when unknown). */
export type ReleaseOutputs = Record<
  | 'image'
  | 'digest'
  | 'version'
  | 'parameter-name'
  | 'parameter-version'
  | 'run-id'
  | 'run-url'
  | 'conclusion',
  string
>;

export function toOutputs(result: ReleaseResult): ReleaseOutputs {
  return {
    image: result.image ?? '',
    digest: result.digest ?? '',
    version: result.version,
    'parameter-name': result.parameterName,
    'parameter-version': result.parameterVersion === undefined ? '' : String(result.parameterVersion),
    'run-id': result.run ? String(result.run.id) : '',
    'run-url': result.run?.url ?? '',
    conclusion: result.conclusion ?? '',
  };
}
