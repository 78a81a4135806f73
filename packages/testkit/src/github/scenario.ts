/** What a test sees and steers: the infra repository's runs, and the scenario's controls. */
import type { PeerState } from './state.js';
import type { GitHubScenario, InfraRepo } from './types.js';

export function infraRepo(s: PeerState): InfraRepo {
  return {
    owner: s.owner,
    repo: s.repo,
    fullName: s.fullName,
    workflowFile: s.workflowFile,
    workflowId: s.workflowId,
    workflowPath: s.workflowPath,
    runs: () => [...s.runs],
    run: (id) => s.run(id),
    state: (id) => {
      const run = s.run(id);
      return run ? s.stateOf(run) : undefined;
    },
    now: () => s.now(),
    runUrl: (id) => s.runWebUrl(id),
    settled: async (id) => {
      await s.liveRuns.get(id)?.done;
    },
  };
}

export function scenarioOf(s: PeerState): GitHubScenario {
  const defaultPlan = () => s.options.defaultRun ?? {};
  return {
    nextRun: (...plans) => {
      s.planQueue.push(...plans);
    },
    fault: (f) => {
      s.faults.push({ ...f, left: f.count ?? 1 });
    },
    secondaryRateLimit: (o = {}) => {
      s.faults.push({
        status: o.status ?? 403,
        left: o.count ?? 1,
        retryAfter: o.retryAfter ?? 1,
        ...(o.operationId === undefined ? {} : { operationId: o.operationId }),
      });
    },
    exhaustRateLimit: (resetInMs) => s.rate.exhaust(resetInMs),
    dispatchAs: (actor, request) =>
      s.createRun(actor, request.ref ?? 'main', request.inputs, request.plan ?? defaultPlan()),
    onNextDispatch: (actor, request) => {
      s.competing.push({ actor, ...request });
    },
    release: (runId) => s.release(runId),
    approve: (runId) => {
      const run = s.run(runId);
      if (!run) throw new Error(`no run ${runId}`);
      run.approvedAt = s.now();
    },
    setWorkflowState: (state) => {
      s.workflowState = state;
    },
    setWorkflowYaml: (yaml) => {
      s.workflowYaml = yaml;
    },
    setReturnRunDetails: (enabled) => {
      s.returnRunDetails = enabled;
    },
    setClockSkew: (ms) => {
      s.skew = ms;
    },
    setExecutor: (hook) => {
      s.executor = hook;
    },
    addToken: (token, spec) => {
      s.tokens.set(token, spec);
    },
    addApp: (options) => s.apps.add(options),
    setTokenLifetime: (appId, seconds) => {
      const app = s.apps.apps.get(appId);
      if (!app) throw new Error(`no App ${appId}`);
      app.tokenLifetimeMs = seconds * 1000;
    },
  };
}
