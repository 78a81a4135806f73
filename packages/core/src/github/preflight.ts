/**
 * Preflight: the infra repository, the workflow (exists, active, has workflow_dispatch with our inputs) and the
 * ref, each failure named with its fix before anything is dispatched.
 */
import { PreconditionError } from '../errors/errors.js';
import type { WorkflowInfo, WorkflowTarget } from '../ports/ports.js';
import { type GitHubContext, workflowId } from './context.js';
import { gitHubError, httpFailure, safeCause } from './errors.js';
import type { WorkflowFacts } from './facts.js';
import type { WorkflowFileFacts } from './workflow-file.js';

interface ApiWorkflow {
  id: number;
  name: string;
  path: string;
  state: string;
  html_url: string;
}

export async function preflight(
  gh: GitHubContext,
  facts: WorkflowFacts,
  target: WorkflowTarget,
): Promise<WorkflowInfo> {
  const { owner, repo } = target;
  try {
    await gh.client.rest.repos.get({ owner, repo, request: { signal: gh.signal() } });
  } catch (error) {
    throw gitHubError(error, gh.ctx(target, `read repository ${owner}/${repo}`));
  }
  const wf = await getWorkflow(gh, target);
  if (wf.state !== 'active') {
    const full = `${owner}/${repo}`;
    throw new PreconditionError(
      'WORKFLOW_DISABLED',
      `Workflow "${wf.name}" (${wf.path}) in ${full} is disabled (state: ${wf.state}), so it cannot be dispatched.`,
      {
        fix: `Enable it in the Actions tab of ${full}, or run: gh workflow enable ${target.workflow} -R ${full}`,
        details: { repository: full, workflow: target.workflow, state: wf.state },
      },
    );
  }
  await checkRef(gh, target);
  const file = await facts.read(target, wf.path);
  if (file) checkInputs(file, target, wf.path);
  return { id: wf.id, name: wf.name, path: wf.path, htmlUrl: wf.html_url };
}

async function getWorkflow(gh: GitHubContext, target: WorkflowTarget): Promise<ApiWorkflow> {
  const full = `${target.owner}/${target.repo}`;
  try {
    const res = await gh.client.rest.actions.getWorkflow({
      owner: target.owner,
      repo: target.repo,
      workflow_id: workflowId(target.workflow),
      request: { signal: gh.signal() },
    });
    return res.data;
  } catch (error) {
    if (httpFailure(error).status === 404) {
      throw new PreconditionError(
        'WORKFLOW_NOT_FOUND',
        `Workflow "${target.workflow}" was not found in ${full}.`,
        {
          fix: `Check ${gh.names.infraWorkflow} (a file name under .github/workflows, e.g. deploy.yaml). The workflow must exist on the default branch of ${full}.`,
          cause: safeCause(httpFailure(error)),
          details: { repository: full, workflow: target.workflow },
        },
      );
    }
    throw gitHubError(error, gh.ctx(target, `read workflow ${target.workflow} in ${full}`));
  }
}

/** A branch (the usual case) first, then refs/heads and refs/tags through the git refs API. */
async function checkRef(gh: GitHubContext, target: WorkflowTarget): Promise<void> {
  const ref = target.ref.replace(/^refs\//, '');
  const { owner, repo } = target;
  const qualified = /^(heads|tags)\//.test(ref);
  const lookups: Array<() => Promise<unknown>> = [];
  if (!qualified) {
    lookups.push(() =>
      gh.client.rest.repos.getBranch({ owner, repo, branch: ref, request: { signal: gh.signal() } }),
    );
  }
  for (const candidate of qualified ? [ref] : [`heads/${ref}`, `tags/${ref}`]) {
    lookups.push(() =>
      gh.client.rest.git.getRef({ owner, repo, ref: candidate, request: { signal: gh.signal() } }),
    );
  }
  for (const lookup of lookups) {
    try {
      await lookup();
      return;
    } catch (error) {
      const f = httpFailure(error);
      if (f.status !== 404 && f.status !== 409)
        throw gitHubError(error, gh.ctx(target, `read ref ${target.ref}`));
    }
  }
  throw new PreconditionError(
    'REF_NOT_FOUND',
    `Ref "${target.ref}" (a branch or tag) does not exist in ${owner}/${repo}.`,
    {
      fix: `Check ${gh.names.infraRef}: the branch or tag of the infra repository whose workflow file to run (default main).`,
      details: { repository: `${owner}/${repo}`, ref: target.ref },
    },
  );
}

function checkInputs(facts: WorkflowFileFacts, target: WorkflowTarget, path: string): void {
  const full = `${target.owner}/${target.repo}`;
  if (!facts.dispatch) {
    throw new PreconditionError(
      'WORKFLOW_NO_DISPATCH',
      `Workflow ${path} in ${full}@${target.ref} has no workflow_dispatch trigger, so it cannot be started from here.`,
      {
        fix: `Add to ${path}:\n  on:\n    workflow_dispatch:\n      inputs:\n${Object.keys(target.inputs)
          .map((k) => `        ${k}: { required: true, type: string }`)
          .join('\n')}`,
        details: { repository: full, workflow: target.workflow, ref: target.ref },
      },
    );
  }
  const unexpected = Object.keys(target.inputs).filter((k) => !facts.inputs.has(k));
  const missing = [...facts.inputs]
    .filter(([k, v]) => v.required && !v.hasDefault && !(k in target.inputs))
    .map(([k]) => k);
  if (unexpected.length === 0 && missing.length === 0) return;
  const parts: string[] = [];
  if (unexpected.length > 0) parts.push(`it does not declare the input(s) we send: ${unexpected.join(', ')}`);
  if (missing.length > 0) parts.push(`it requires input(s) we do not send: ${missing.join(', ')}`);
  throw new PreconditionError(
    'WORKFLOW_INPUTS_MISMATCH',
    `Workflow ${path} in ${full}@${target.ref} does not match this tool: ${parts.join('; ')}.`,
    {
      fix: `Declare exactly these workflow_dispatch inputs in ${path}: ${Object.keys(target.inputs).join(', ')} (type string).`,
      details: {
        repository: full,
        workflow: target.workflow,
        unexpected: unexpected.join(','),
        missing: missing.join(','),
      },
    },
  );
}
