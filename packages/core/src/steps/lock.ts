import {
  createLock,
  deleteLock,
  describeLock,
  type HeldLock,
  Lapse,
  LEASE_MS,
  type LockRecord,
  readLock,
} from '../domain/lock.js';
import { InterruptedError, PreconditionError, TimeoutError } from '../errors/errors.js';
import { formatDuration } from '../inputs/inputs.js';
import type { InfraWorkflows, ParameterStore, RunSummary, WorkflowTarget } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

export interface LockInput {
  /** The lock parameter (lockParameterName of the version parameter). */
  name: string;
  /** The record to write: who and what (`since` and `expires` are set when it is taken). */
  record: LockRecord;
  /** "hello-app/staging", for messages. */
  what: string;
  /** Flags for the fix lines, e.g. "--app hello-app --env staging". */
  unlockArgs: string;
  /** Undefined without a GitHub token: runs in flight are not looked at then. */
  workflow: WorkflowTarget | undefined;
  timeoutMs: number;
  waitForLock: boolean;
  /** Called as soon as the lock is ours, so that it is released whatever happens next. */
  taken: (record: LockRecord) => void;
}

const FIRST_POLL_MS = 2_000;
const MAX_POLL_MS = 10_000;

/**
 * Take the lock of this application and environment (waiting for its holder, or refusing), then wait
 * for runs of the infra workflow already in flight that no lock covers (a `--no-wait` deploy's, someone
 * else's), never cancelling them. Nothing to show (undefined) when the lock was free and nothing ran.
 */
export async function lock(
  input: LockInput,
  ports: { parameters: ParameterStore; workflows: InfraWorkflows | undefined },
  ctx: StepContext,
): Promise<StepOutcome<undefined> | undefined> {
  const deadline = ctx.clock.now() + input.timeoutMs;
  const lockWait = await takeLock(input, ports.parameters, ctx, deadline);
  const parts = lockWait ? [lockWait] : [];
  const workflows = ports.workflows;
  const active = workflows && input.workflow ? await workflows.activeRuns(input.workflow) : [];
  const first = active[0];
  if (workflows && input.workflow && first) {
    if (!input.waitForLock) {
      throw new PreconditionError(
        'DEPLOYMENT_IN_PROGRESS',
        `A deployment of ${input.what} is already ${first.status.replace('_', ' ')}: ${first.run.url}`,
        {
          fix: 'Nothing was changed. Run again when it has finished, or let the command wait for it (waiting for the lock is the default).',
          details: { runUrl: first.run.url, runId: first.run.id },
        },
      );
    }
    const runInput = { workflow: input.workflow, timeoutMs: input.timeoutMs, what: input.what, active };
    const waited = await waitForRuns(runInput, { workflows }, ctx, deadline);
    parts.push(`waited for ${waited.map((id) => `run ${id}`).join(', ')} to finish: ${first.run.url}`);
  }
  if (parts.length === 0) {
    ctx.reporter.emit({ type: 'debug', message: `lock ${input.name} taken`, at: ctx.clock.now() });
    return undefined;
  }
  return done(parts.join('; '), undefined);
}

/**
 * Create the lock parameter; while someone else holds it, wait (polling with backoff) or refuse; take
 * over a lock past its expiry. Returns what it waited for or took over, undefined when it was free.
 */
async function takeLock(
  input: LockInput,
  parameters: ParameterStore,
  ctx: StepContext,
  deadline: number,
): Promise<string | undefined> {
  let pollMs = FIRST_POLL_MS;
  let shown: string | undefined;
  const notes: string[] = [];
  const lapse = new Lapse();
  for (;;) {
    const now = ctx.clock.now();
    const record: LockRecord = {
      ...input.record,
      since: new Date(now).toISOString(),
      expires: new Date(now + (input.record.lease ?? LEASE_MS)).toISOString(),
    };
    if ((await createLock(parameters, input.name, record)) === 'taken') {
      input.taken(record);
      break;
    }
    const held = await readLock(parameters, input.name);
    if (!held) {
      // Released meanwhile: try again (bounded, should SSM keep answering both ways).
      if (ctx.clock.now() >= deadline) throw lockTimeout(input, 'someone (released and taken again)');
      continue;
    }
    if (held.record?.id === record.id) {
      // Our own create, applied but answered late and retried by the client.
      input.taken(held.record);
      break;
    }
    if (lapse.lapsed(held, ctx.clock.now())) {
      const note = await takeOver(held, parameters, ctx);
      if (note) notes.push(note);
      continue;
    }
    const who = describeLock(held);
    if (!input.waitForLock) throw inProgress(input, held, who);
    if (ctx.clock.now() >= deadline) throw lockTimeout(input, who);
    if (who !== shown) {
      ctx.progress(`waiting for the lock of ${input.what}, held by ${who}`);
      shown = who;
      notes.push(`waited for the lock held by ${who}`);
    }
    // Look again when the lease would lapse, if that comes before the next poll.
    const untilLapse = lapse.remaining(held, ctx.clock.now()) || pollMs;
    await pause(Math.min(pollMs, untilLapse, Math.max(0, deadline - ctx.clock.now())), input, who, ctx);
    pollMs = Math.min(MAX_POLL_MS, Math.round(pollMs * 1.5));
  }
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/**
 * Remove a lock whose lease lapsed (or, written before leases, past its expiry) if it is still the one
 * read, renewal included; undefined when someone else got there first or its holder renewed it.
 */
async function takeOver(
  held: HeldLock,
  parameters: ParameterStore,
  ctx: StepContext,
): Promise<string | undefined> {
  const expected = { id: held.record?.id, version: held.parameter.version };
  if ((await deleteLock(parameters, held.name, expected)) !== 'deleted') return undefined;
  const lease = held.record?.lease;
  const why =
    lease !== undefined
      ? `its lease lapsed: not renewed for ${Math.round(lease / 1000)} s, so its holder is gone`
      : 'it was past its expiry';
  const message = `took over the lock of ${describeLock(held)}: ${why}`;
  ctx.reporter.emit({ type: 'warning', title: 'Lapsed lock taken over', message, at: ctx.clock.now() });
  return message;
}

async function pause(ms: number, input: LockInput, who: string, ctx: StepContext): Promise<void> {
  try {
    await ctx.clock.sleep(ms, ctx.signal);
  } catch (error) {
    if (!ctx.signal?.aborted) throw error;
    throw new InterruptedError(
      `Interrupted while waiting for the lock of ${input.what}, held by ${who}. Nothing was changed.`,
      { fix: 'Run again when ready; the lock and its holder were not touched.', cause: error },
    );
  }
}

function inProgress(input: LockInput, held: HeldLock, who: string): PreconditionError {
  return new PreconditionError(
    'DEPLOYMENT_IN_PROGRESS',
    `A deployment of ${input.what} is in progress: the lock ${input.name} is held by ${who}.`,
    {
      fix: `Nothing was changed. Run again when it has finished, or let the command wait for it (waiting for the lock is the default). If its holder is gone, remove the lock: hosting unlock ${input.unlockArgs}.`,
      details: { lock: input.name, holder: held.record?.holder, runUrl: held.record?.run },
    },
  );
}

function lockTimeout(input: LockInput, who: string): TimeoutError {
  return new TimeoutError(
    `Timed out after ${formatDuration(input.timeoutMs)} waiting for the lock of ${input.what}, held by ${who}.`,
    {
      fix: `Nothing was changed. Run again once it has finished, or raise the timeout. A killed holder's lock is taken over once it has not been renewed for its lease (60 s); to remove it at once: hosting unlock ${input.unlockArgs} --force.`,
      details: { lock: input.name },
    },
  );
}

/** Wait for each active run, then for any that started meanwhile, until none is left. */
async function waitForRuns(
  input: { workflow: WorkflowTarget; timeoutMs: number; what: string; active: RunSummary[] },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
  deadline: number,
): Promise<number[]> {
  const waited: number[] = [];
  let runs = input.active;
  while (runs.length > 0) {
    for (const other of runs) {
      ctx.progress(`waiting for run ${other.run.id} (${other.status.replace('_', ' ')}): ${other.run.url}`);
      await waitForOne(other, deadline - ctx.clock.now(), input, ports, ctx);
      waited.push(other.run.id);
    }
    runs = (await ports.workflows.activeRuns(input.workflow)).filter((r) => !waited.includes(r.run.id));
  }
  return waited;
}

async function waitForOne(
  other: RunSummary,
  remaining: number,
  input: { timeoutMs: number; what: string },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
): Promise<void> {
  try {
    if (remaining <= 0) throw new TimeoutError('lock wait exhausted');
    await ports.workflows.wait(other.run, {
      timeoutMs: remaining,
      signal: ctx.signal,
      cancelOnTimeout: false,
      cancelOnInterrupt: false,
    });
  } catch (error) {
    if (error instanceof InterruptedError || ctx.signal?.aborted) {
      throw new InterruptedError(
        `Interrupted while waiting for run ${other.run.id} of ${input.what}, which another deployment started (not this command): it keeps running, untouched. Nothing was changed.`,
        {
          fix: `Run again when ready; follow that run at ${other.run.url}.`,
          details: { runUrl: other.run.url, runId: other.run.id, cancelled: false },
          cause: error,
        },
      );
    }
    if (!(error instanceof TimeoutError)) throw error;
    throw new TimeoutError(
      `Timed out after ${formatDuration(input.timeoutMs)} waiting for the deployment of ${input.what} in progress: ${other.run.url}`,
      {
        fix: 'Nothing was changed. Run again once that run has finished, or raise the timeout.',
        details: { runUrl: other.run.url },
        cause: error,
      },
    );
  }
}
