import { deleteLock, describeLock, type LockInfo, lockInfo, readLock } from '../domain/lock.js';
import { type HostingError, PreconditionError } from '../errors/errors.js';
import type { UnlockPlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import { done, skipped } from '../steps/step.js';
import type { OperationOptions } from './ports.js';
import { type StepRecord, StepRunner, unwrap } from './runner.js';

export interface UnlockResult {
  status: 'succeeded' | 'failed';
  application: string;
  environment: string;
  parameterName: string;
  lockName: string;
  /** The lock as found (undefined when none was held). */
  lock: LockInfo | undefined;
  /** Whether this command deleted it. */
  removed: boolean;
  error: HostingError | undefined;
  steps: StepRecord[];
}

/**
 * Remove the deployment lock by hand, saying whose it was. A lock that has not expired is removed only
 * with `force` (its holder may still be running). No lock is fine. Never throws.
 */
export async function unlock(
  plan: UnlockPlan,
  ports: Pick<OperationPorts, 'parameters' | 'clock' | 'reporter'>,
  options: Pick<OperationOptions, 'signal'> = {},
): Promise<UnlockResult> {
  const { target } = plan;
  const result: UnlockResult = {
    status: 'failed',
    application: target.application,
    environment: target.environment,
    parameterName: target.parameter,
    lockName: plan.lock,
    lock: undefined,
    removed: false,
    error: undefined,
    steps: [],
  };
  const steps = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  try {
    await steps.run('lock', async ({ progress }) => {
      progress(`reading ${plan.lock}`);
      const held = await readLock(ports.parameters, plan.lock);
      if (!held) return skipped(`no lock held: ${plan.lock} does not exist`, undefined);
      result.lock = lockInfo(held, ports.clock.now());
      const who = describeLock(held);
      if (!result.lock.expired && !plan.force) {
        throw new PreconditionError(
          'LOCK_HELD',
          `The lock of ${target.application}/${target.environment} is held by ${who}; it has not expired, so its holder may still be running. Nothing was removed.`,
          {
            fix: 'Check that operation (its run link, hosting status); if it is gone, run hosting unlock again with --force.',
            details: { lock: plan.lock, holder: held.record?.holder },
          },
        );
      }
      const expected = { id: held.record?.id, version: held.parameter.version };
      const outcome = await deleteLock(ports.parameters, plan.lock, expected);
      if (outcome === 'changed') {
        throw new PreconditionError(
          'LOCK_HELD',
          `The lock of ${target.application}/${target.environment} changed while it was read (someone took it). Nothing was removed.`,
          { fix: 'Run hosting status to see who holds it now.' },
        );
      }
      result.removed = outcome === 'deleted';
      return done(`removed the lock ${plan.lock} of ${who}`, undefined);
    });
    result.status = 'succeeded';
  } catch (thrown) {
    result.error = unwrap(thrown);
  }
  return result;
}
