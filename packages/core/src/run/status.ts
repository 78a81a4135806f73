import { type LockInfo, lockInfo, lockParameterName, readLock } from '../domain/lock.js';
import { deployedStage, HISTORY_MAX, type WaitUntil } from '../domain/names.js';
import { type Provenance, parseProvenance } from '../domain/provenance.js';
import type { HostingError } from '../errors/errors.js';
import type { OperationTarget, StatusPlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import type { ImageInfo, RunSummary } from '../ports/ports.js';
import { done } from '../steps/step.js';
import { labelled } from '../steps/verify.js';
import type { OperationOptions } from './ports.js';
import { type StepRecord, StepRunner, unwrap } from './runner.js';

/** What runs in one environment. */
export interface EnvironmentStatus {
  environment: string;
  parameterName: string;
  /** undefined when the parameter does not exist (never deployed). */
  deployed:
    | {
        version: string;
        parameterVersion: number;
        date: Date | undefined;
        /** SSM LastModifiedUser (the AWS identity). */
        author: string | undefined;
        /** Parsed from the parameter's Description; undefined when not written by hosting. */
        provenance: Provenance | undefined;
      }
    | undefined;
  /** Whether the deployed version's image is still in ECR; undefined when nothing is deployed. */
  image:
    | {
        exists: boolean;
        digest: string | undefined;
        /** The tag now points at another image than the one recorded at deployment. */
        moved: boolean;
      }
    | undefined;
  /**
   * The version the infra side last rolled out (the parameter version carrying the `deployed` label);
   * undefined when no version has the label.
   */
  live:
    | {
        version: string;
        parameterVersion: number;
        /** The stage the rollout that moved the label waited for; undefined for labels from before stages. */
        stage: WaitUntil | undefined;
      }
    | undefined;
  /** The deployment lock, when someone holds it. */
  lock: LockInfo | undefined;
  /** The latest infra run for this application/environment; undefined when none or not checked. */
  latestRun: RunSummary | undefined;
  /** Whether the infra workflow was looked at (needs the infra repository and a token). */
  runChecked: boolean;
  /** A read that failed for this environment (the others are still reported). */
  error: HostingError | undefined;
}

export interface StatusResult {
  status: 'succeeded' | 'failed';
  application: string;
  environments: EnvironmentStatus[];
  /** Set when every environment failed to read, or the step failed. */
  error: HostingError | undefined;
  steps: StepRecord[];
}

/**
 * Per environment: the parameter (value, version, date, author, provenance), the version carrying the
 * `deployed` label, a held lock, whether that image is still in ECR, and the latest infra run.
 * Read-only. Never throws.
 */
export async function status(
  plan: StatusPlan,
  ports: OperationPorts,
  options: Pick<OperationOptions, 'signal'> = {},
): Promise<StatusResult> {
  const result: StatusResult = {
    status: 'failed',
    application: plan.application,
    environments: [],
    error: undefined,
    steps: [],
  };
  const steps = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  try {
    result.environments = await steps.run('read', async ({ progress }) => {
      const list = await Promise.all(
        plan.targets.map(async (target) => {
          progress(`reading ${target.environment}`);
          return environmentStatus(target, ports);
        }),
      );
      const failed = list.filter((e) => e.error);
      const first = failed[0]?.error;
      if (first && failed.length === list.length) throw first;
      return done(
        `${plan.application}: ${list.map((e) => `${e.environment} ${e.deployed?.version ?? (e.error ? 'unreadable' : 'not deployed')}`).join(', ')}`,
        list,
      );
    });
    result.status = 'succeeded';
  } catch (thrown) {
    result.error = unwrap(thrown);
  }
  return result;
}

async function environmentStatus(target: OperationTarget, ports: OperationPorts): Promise<EnvironmentStatus> {
  const entry: EnvironmentStatus = {
    environment: target.environment,
    parameterName: target.parameter,
    deployed: undefined,
    image: undefined,
    live: undefined,
    lock: undefined,
    latestRun: undefined,
    runChecked: false,
    error: undefined,
  };
  const workflows = ports.workflows;
  const [parameter, run, lock] = await Promise.allSettled([
    ports.parameters.history(target.parameter, HISTORY_MAX),
    workflows && target.workflow ? workflows.latestRun(target.workflow) : Promise.resolve(undefined),
    readLock(ports.parameters, lockParameterName(target.parameter)),
  ]);
  if (lock.status === 'fulfilled') {
    entry.lock = lock.value && lockInfo(lock.value, ports.clock.now());
  } else {
    entry.error = unwrap(lock.reason);
  }
  if (run.status === 'fulfilled') {
    entry.latestRun = run.value;
    entry.runChecked = Boolean(workflows && target.workflow);
  } else {
    entry.error = unwrap(run.reason);
  }
  if (parameter.status === 'rejected') {
    entry.error = unwrap(parameter.reason);
    return entry;
  }
  const value = parameter.value[0];
  if (!value) return entry;
  const live = labelled(parameter.value);
  entry.live = live && {
    version: live.value,
    parameterVersion: live.version,
    stage: deployedStage(live.labels),
  };
  const provenance = parseProvenance(value.description);
  entry.deployed = {
    version: value.value,
    parameterVersion: value.version,
    date: value.lastModified,
    author: value.lastModifiedUser,
    provenance,
  };
  try {
    const image: ImageInfo | undefined = await ports.registry.findImage(target.repository, value.value);
    entry.image = {
      exists: image !== undefined,
      digest: image?.digest,
      moved: Boolean(image && provenance?.digest && image.digest !== provenance.digest),
    };
  } catch (error) {
    entry.error = unwrap(error);
  }
  return entry;
}
