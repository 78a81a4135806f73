// The engine's public API. Importing it loads no SDK: AWS, Octokit and the builders load lazily.

export {
  BUILDER_CHOICES,
  BUILDER_NAMES,
  BUILDERS,
  type BuilderChoice,
  type BuilderEntry,
  DEFAULT_BUILDER,
  isBuilderChoice,
} from './builders/registry.js';
export * from './catalog.js';
export * from './errors.js';
export * from './events.js';
export { resolveGitHubToken } from './github/token.js';
export * from './inputs.js';
export * from './plan/deploy.js';
export * from './plan/operations.js';
export * from './plan/rollout.js';
export * from './ports.js';
export * from './present.js';
export * from './real-ports.js';
export * from './retry.js';
export { execute } from './run/deploy.js';
export * from './run/history.js';
export { missingTokenError } from './run/operation.js';
export type * from './run/ports.js';
export * from './run/promote.js';
export { describeQuit, newReleaseLive } from './run/release.js';
export * from './run/result.js';
export * from './run/rollback.js';
export * from './run/rollout.js';
export {
  done,
  type StepContext,
  StepFailure,
  type StepOutcome,
  type StepRecord,
  StepRunner,
  skipped,
} from './run/runner.js';
export * from './run/status.js';
export * from './run/unlock.js';
export * from './secrets.js';
export * from './source.js';
export type { AppSpec, AppSpecEnvironment } from './spec/app-spec.js';
export { default as appSpecSchema } from './spec/app-spec.schema.json' with { type: 'json' };
export * from './spec/load.js';
export {
  describeLock,
  type LockInfo,
  type LockRecord,
  lockParameterName,
} from './steps/lock-store.js';
export { describeFailure } from './steps/report.js';
export { DEPLOYED_LABEL } from './steps/rollout/record.js';
export { diffDocuments, READ_ONLY_FIELDS, shortTaskDefinition } from './steps/rollout/task-definition.js';
