// The engine's public API. Importing it loads no SDK: AWS, Octokit and the builders load lazily.
export * from './catalog.js';
export * from './errors.js';
export * from './events.js';
export * from './execute.js';
export * from './inputs.js';
export * from './operations/index.js';
export * from './plan/rollout.js';
export * from './plan.js';
export * from './ports.js';
export * from './real-ports.js';
export * from './retry.js';
export * from './run/rollout.js';
export * from './source.js';
export type { AppSpec, AppSpecEnvironment } from './spec/app-spec.js';
export * from './spec/load.js';
export * from './spec/schema.js';
export { DEPLOYED_LABEL } from './steps/rollout/record.js';
export { diffDocuments, READ_ONLY_FIELDS, shortTaskDefinition } from './steps/rollout/task-definition.js';
