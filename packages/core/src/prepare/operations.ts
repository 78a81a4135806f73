import type { SourceInfo } from '../domain/provenance.js';
import {
  type OperationInputNames,
  type OperationInputs,
  type PromotePlan,
  planPromote,
  planRollback,
  type RollbackPlan,
} from '../plan/operations.js';
import type { PrepareContext } from './deploy.js';
import { resolveSource } from './source.js';

async function actorOf(context: PrepareContext): Promise<Pick<SourceInfo, 'actor' | 'runUrl'>> {
  // versionGiven: a rollback or promote builds nothing, so no commit (and no clean tree) is needed.
  const source = await resolveSource(
    { cwd: context.cwd, env: context.env, versionGiven: true, versionInput: '' },
    context.git,
  );
  return { actor: source.actor, runUrl: source.runUrl };
}

/** rollback: validate, then resolve who rolls back (read-only). */
export async function prepareRollback(
  raw: OperationInputs,
  names: OperationInputNames,
  context: PrepareContext,
): Promise<RollbackPlan> {
  const plan = planRollback(raw, names);
  return { ...plan, source: await actorOf(context) };
}

/** promote: validate, then resolve who promotes (read-only). */
export async function preparePromote(
  raw: OperationInputs,
  names: OperationInputNames,
  context: PrepareContext,
): Promise<PromotePlan> {
  const plan = planPromote(raw, names);
  return { ...plan, source: await actorOf(context) };
}
