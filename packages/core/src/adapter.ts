// Helpers only an adapter needs (`@shared-hosting/core/adapter`): the text of a plan for --dry-run, and
// what a quit at once (second Ctrl-C) leaves behind. Each adapter owns the names of its inputs and passes
// them in (the CLI's flags, the Action's inputs of action.yml).
export { describePlan } from './plan/deploy.js';
export { describeRolloutPlan } from './plan/rollout.js';
export { describeQuit, newReleaseLive, type ReleaseLive } from './run/quit.js';
export { describeRolloutServices, firstService } from './run/rollout.js';
