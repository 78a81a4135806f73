/** Routes about one workflow run: the run, its jobs and their logs, cancelling it, its pending approvals. */
import { forbidden } from '../auth.js';
import type { ApprovalPlan, RunRecord } from '../model.js';
import { fail, idOf, iso, type Reply, sha } from '../reply.js';
import { onRepo, type RouteContext, type RouteGroup, runOf } from './context.js';

function jobs(c: RouteContext): Reply {
  const run = runOf(c);
  const st = c.s.stateOf(run);
  const visible = st.status === 'in_progress' || st.status === 'completed' ? st.jobs : [];
  return {
    status: 200,
    body: { total_count: visible.length, jobs: visible.map((j) => c.objects.job(run, j)) },
  };
}

function downloadLogs(c: RouteContext): Reply {
  onRepo(c);
  if (c.who.logs === false) forbidden(c.who);
  const jobId = Number(c.seg[6]);
  const run = c.s.runs.find((x) => x.jobIds.includes(jobId));
  if (!run) fail(404, 'Not Found');
  const location = `${c.s.urls.origin}/_logs/${run.id}/${jobId}?sig=${sha(`log:${jobId}`)}`;
  return { status: 302, headers: { location } };
}

function cancel(c: RouteContext): Reply {
  const run = runOf(c);
  if (c.who.access !== 'write') forbidden(c.who);
  if (c.s.stateOf(run).status === 'completed') fail(409, 'Cannot cancel a workflow run that is completed.');
  run.cancelRequestedAt ??= c.s.now();
  c.s.liveRuns.get(run.id)?.cancel();
  return { status: 202, body: {} };
}

function reviewer(c: RouteContext, name: string): Record<string, unknown> {
  if (!name.startsWith('@')) return { type: 'User', reviewer: c.objects.user(name) };
  const slug = name.slice(1);
  const { api, web } = c.s.urls;
  return {
    type: 'Team',
    reviewer: {
      id: idOf('team', name, 6),
      node_id: Buffer.from(`04:Team${name}`).toString('base64'),
      url: `${api}/teams/${slug}`,
      html_url: `${web}/orgs/${c.s.owner}/teams/${slug}`,
      name: slug,
      slug,
      description: null,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      permission: 'pull',
      members_url: `${api}/teams/${slug}/members{/member}`,
      repositories_url: `${api}/teams/${slug}/repos`,
      parent: null,
      type: 'organization',
    },
  };
}

function pendingDeployment(c: RouteContext, run: RecordWithWait, approval: ApprovalPlan): unknown {
  const envId = idOf('env', approval.environment);
  const env = encodeURIComponent(approval.environment);
  return {
    environment: {
      id: envId,
      node_id: Buffer.from(`11:Environment${envId}`).toString('base64'),
      name: approval.environment,
      url: `${c.s.repoApi}/environments/${env}`,
      html_url: `${c.s.repoWeb}/deployments/activity_log?environments_filter=${env}`,
    },
    wait_timer: 0,
    wait_timer_started_at: iso(run.waitingSince ?? run.run.createdAt),
    current_user_can_approve: false,
    reviewers: approval.reviewers.map((name) => reviewer(c, name)),
  };
}

interface RecordWithWait {
  run: RunRecord;
  waitingSince: number | undefined;
}

function pendingDeployments(c: RouteContext): Reply {
  const run = runOf(c);
  const st = c.s.stateOf(run);
  const approval = run.plan.approval;
  if (st.status !== 'waiting' || !approval) return { status: 200, body: [] };
  return { status: 200, body: [pendingDeployment(c, { run, waitingSince: st.waitingSince }, approval)] };
}

export const runRoutes: RouteGroup = {
  'actions/get-workflow-run': (c) => ({ status: 200, body: c.objects.run(runOf(c)) }),
  'actions/list-jobs-for-workflow-run': jobs,
  'actions/download-job-logs-for-workflow-run': downloadLogs,
  'actions/cancel-workflow-run': cancel,
  'actions/get-pending-deployments-for-run': pendingDeployments,
};
