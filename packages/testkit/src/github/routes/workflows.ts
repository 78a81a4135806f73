/** Routes about the infra workflow: the workflow, its dispatch, and its run list. */
import { forbidden } from '../auth.js';
import { fail, type Reply } from '../reply.js';
import type { PeerState } from '../state.js';
import { parseWorkflow } from '../workflow-file.js';
import { onRepo, queryParam, type RouteContext, type RouteGroup } from './context.js';

interface DispatchBody {
  ref: string;
  inputs?: Record<string, unknown>;
  return_run_details?: boolean;
}

function findWorkflow(s: PeerState, id: string): void {
  if (id !== String(s.workflowId) && id !== s.workflowFile) fail(404, 'Not Found');
}

/** What GitHub checks before it creates the run; answers the inputs as strings. */
function checkDispatch(s: PeerState, b: DispatchBody): { ref: string; inputs: Record<string, string> } {
  if (b.return_run_details !== undefined && !s.returnRunDetails) {
    const status = s.options.ghesRejectStatus ?? 422;
    fail(
      status,
      status === 422
        ? 'Invalid request.\n\n"return_run_details" is not a permitted key.'
        : 'Problems parsing JSON',
    );
  }
  if (s.workflowState !== 'active') fail(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow");
  const ref = b.ref.replace(/^refs\/(heads|tags)\//, '');
  if (!s.branches.has(ref) && !s.tags.has(ref)) fail(422, `No ref found for: ${b.ref}`);
  const wf = parseWorkflow(s.workflowYaml);
  if (!wf.dispatch) fail(422, "Workflow does not have 'workflow_dispatch' trigger");
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.inputs ?? {})) inputs[k] = String(v);
  const unexpected = Object.keys(inputs).filter((k) => !wf.inputs.has(k));
  if (unexpected.length > 0) fail(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  for (const [k, v] of wf.inputs)
    if (v.required && !(k in inputs)) fail(422, `Required input '${k}' not provided`);
  return { ref, inputs };
}

/**
 * 2026-03-10: always 200 with the run (`return_run_details` no longer exists). 2022-11-28: 200 with the run
 * when `return_run_details` is true, else 204.
 */
function dispatch(c: RouteContext): Reply {
  onRepo(c);
  const { s, who } = c;
  findWorkflow(s, c.seg[6] ?? '');
  if (who.access !== 'write') forbidden(who);
  const b = (c.body ?? {}) as DispatchBody;
  const { ref, inputs } = checkDispatch(s, b);
  for (const x of s.competing.splice(0))
    s.createRun(x.actor, x.ref ?? ref, x.inputs, x.plan ?? s.options.defaultRun ?? {});
  const run = s.createRun(who.login, ref, inputs, s.nextPlan());
  s.stats.dispatches.push({
    ref: b.ref,
    inputs,
    returnRunDetails: b.return_run_details,
    actor: who.login,
    apiVersion: c.version,
  });
  if (c.version === '2022-11-28' && b.return_run_details !== true) return { status: 204 };
  const body = {
    workflow_run_id: run.id,
    run_url: `${s.repoApi}/actions/runs/${run.id}`,
    html_url: s.runWebUrl(run.id),
  };
  return { status: 200, body };
}

function listRuns(c: RouteContext): Reply {
  onRepo(c);
  const { s } = c;
  findWorkflow(s, c.seg[6] ?? '');
  const q = (k: string) => queryParam(c, k);
  const t = s.now();
  let list = s.runs.filter((run) => t >= run.createdAt + (run.plan.listDelayMs ?? 0));
  const actor = q('actor')?.toLowerCase();
  if (actor) list = list.filter((run) => run.actor.toLowerCase() === actor);
  const branch = q('branch');
  if (branch) list = list.filter((run) => run.ref === branch);
  const event = q('event');
  if (event && event !== 'workflow_dispatch') list = [];
  const headSha = q('head_sha');
  if (headSha) list = list.filter((run) => run.headSha === headSha);
  const status = q('status');
  if (status) {
    list = list.filter((run) => {
      const st = s.stateOf(run, t);
      return st.status === status || st.conclusion === status;
    });
  }
  const created = q('created');
  if (created) list = list.filter((run) => matchesCreated(created, Math.floor(run.createdAt / 1000) * 1000));
  list = [...list].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  const perPage = Math.min(100, Number(q('per_page') ?? 30));
  const page = Math.max(1, Number(q('page') ?? 1));
  const slice = list.slice((page - 1) * perPage, page * perPage);
  return {
    status: 200,
    body: { total_count: list.length, workflow_runs: slice.map((r) => c.objects.run(r)) },
  };
}

/** GitHub's `created` filter: `>=T`, `>T`, `<=T`, `<T`, `T..T`, or a date. */
function matchesCreated(filter: string, createdMs: number): boolean {
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  const parse = (v: string) => (v === '*' ? Number.NaN : Date.parse(v));
  if (range?.[1] && range[2]) {
    const a = parse(range[1]);
    const b = parse(range[2]);
    return (Number.isNaN(a) || createdMs >= a) && (Number.isNaN(b) || createdMs <= b);
  }
  const m = /^(>=|<=|>|<)?(.+)$/.exec(filter);
  const t = Date.parse(m?.[2] ?? '');
  if (Number.isNaN(t)) return true;
  switch (m?.[1]) {
    case '>=':
      return createdMs >= t;
    case '>':
      return createdMs > t;
    case '<=':
      return createdMs <= t;
    case '<':
      return createdMs < t;
    default:
      return createdMs >= t && createdMs < t + 86_400_000;
  }
}

export const workflowRoutes: RouteGroup = {
  'actions/get-workflow': (c) => {
    onRepo(c);
    findWorkflow(c.s, c.seg[6] ?? '');
    return { status: 200, body: c.objects.workflow() };
  },
  'actions/create-workflow-dispatch': dispatch,
  'actions/list-workflow-runs': listRuns,
};
