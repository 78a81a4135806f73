// Helpers only an adapter needs (`@shared-hosting/core/adapter`): how the CLI and the Action call each
// input, the text of a plan for --dry-run, and what a quit at once (second Ctrl-C) leaves behind.
export { ACTION_INPUT_NAMES, CLI_INPUT_NAMES } from './inputs/inputs.js';
export { describePlan } from './plan/deploy.js';
export { ACTION_OPERATION_NAMES, CLI_OPERATION_NAMES } from './plan/operations.js';
export { ACTION_ROLLOUT_NAMES, CLI_ROLLOUT_NAMES, describeRolloutPlan } from './plan/rollout.js';
export { describeQuit, newReleaseLive, type ReleaseLive } from './run/quit.js';
export { describeRolloutServices } from './run/rollout.js';
