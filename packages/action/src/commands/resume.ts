/** `command: continue` / `command: abort`: answer the ECS deployment paused at a hook (or roll it back). */
import { createRolloutPorts, planResume, prepareRollout, resume as runResume } from '@shared-hosting/core';
import { code, escapeHtml, type Fact } from '../html.js';
import { ACTION_ADAPTER_NAMES, ACTION_ROLLOUT_NAMES } from '../inputs.js';
import { rolloutInputs } from './rollout.js';
import type { ActionCommand } from './types.js';

/** continue / abort: the App spec names cluster and service; answer the deployment in flight. */
export const resume = <C extends 'continue' | 'abort'>(action: C): ActionCommand<C> => ({
  prepare: async (given, context, get) => {
    const { spec, cluster, service, application, environment } = rolloutInputs(given, get);
    const target = { application, environment, spec, cluster, service };
    const plan = await prepareRollout(target, ACTION_ROLLOUT_NAMES, context.cwd);
    return {
      cancels: undefined,
      run: async ({ env, reporter, signal }) => {
        const ports = await createRolloutPorts({ env, reporter, names: ACTION_ADAPTER_NAMES });
        const result = await runResume(planResume(plan, action), ports, { signal });
        return { command: action, result };
      },
    };
  },
  // The deployment answered.
  outputs: (result) => ({ 'service-deployment': result.serviceDeployment ?? '' }),
  heading: (result, command) => {
    const where = `${result.application} in ${result.environment}`;
    if (result.status === 'failed') return `❌ Could not ${command} the deployment of ${where}`;
    return command === 'continue'
      ? `▶️ Resumed the deployment of ${where}`
      : `⏪ Rolling back the deployment of ${where}`;
  },
  facts: (result) => {
    const { call, stage, serviceDeployment, service, cluster } = result;
    const facts: Fact[] = [['Service', `${code(service)} in cluster ${code(cluster)}`]];
    if (call) facts.push(['ECS', `${code(call)}${stage ? ` at ${escapeHtml(stage)}` : ''}`]);
    if (serviceDeployment) facts.push(['Service deployment', code(serviceDeployment)]);
    return facts;
  },
});
