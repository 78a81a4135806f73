/**
 * ecs-wait for several services: each deployment followed at once (wait.ts, whatever its strategy), each
 * one's progress prefixed with its name. The first failure (or timeout) ends the wait of the others: the
 * rollout then rolls them back (roll-back.ts). One service: exactly the single wait.
 */
import { restate, toHostingError } from '../../errors/errors.js';
import type { ContainerService } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';
import { type RolloutPause, type Waited, type WaitInput, waitForRollout } from './wait.js';

export interface ServiceWaitInput extends WaitInput {
  /** The service's name in the plan. */
  name: string;
}

export interface WaitedService extends Waited {
  name: string;
}

/** The step context of one service among several: its lines say which, its signal ends with the others'. */
function serviceContext(ctx: StepContext, name: string, signal: AbortSignal): StepContext {
  return {
    ...ctx,
    signal,
    progress: (message) => ctx.progress(`${name}: ${message}`),
    log: (line) => ctx.log(`${name}: ${line}`),
  };
}

export async function waitForServices(
  inputs: readonly ServiceWaitInput[],
  ports: { containers: ContainerService },
  ctx: StepContext,
  pauses: RolloutPause[] = [],
): Promise<StepOutcome<WaitedService[]>> {
  const [only] = inputs;
  if (inputs.length === 1 && only) {
    const outcome = await waitForRollout(only, ports, ctx, pauses);
    return { ...outcome, value: [{ name: only.name, ...outcome.value }] };
  }
  const others = new AbortController();
  const abort = () => others.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', abort, { once: true });
  let first: unknown;
  const follow = async (input: ServiceWaitInput) => {
    try {
      const sub = serviceContext(ctx, input.name, others.signal);
      return { ...(await waitForRollout(input, ports, sub, pauses)), name: input.name };
    } catch (error) {
      // The first failure ends the others' waits (theirs, an interruption, says nothing more); it names its service.
      if (first === undefined && !ctx.signal?.aborted) {
        const e = toHostingError(error);
        first = restate(e, `${input.name}: ${e.message}`, undefined);
      } else first ??= error;
      others.abort(error);
      throw error;
    }
  };
  try {
    const settled = await Promise.allSettled(inputs.map(follow));
    if (first !== undefined) throw first;
    const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const summary = outcomes.map((o) => `${o.name}: ${o.summary}`).join('; ');
    return done(
      summary,
      outcomes.map((o) => ({ ...o.value, name: o.name })),
    );
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
  }
}
