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
export {
  describeLock,
  type LockInfo,
  type LockRecord,
  lockParameterName,
} from './domain/lock.js';
export { DEPLOYED_LABEL, HISTORY_MAX } from './domain/names.js';
export * from './domain/provenance.js';
export * from './domain/retry.js';
export * from './domain/secrets.js';
export * from './domain/steps.js';
export * from './errors/catalog.js';
export * from './errors/errors.js';
export { revokeGitHubAppTokens } from './github/index.js';
export { resolveGitHubToken } from './github/token.js';
export * from './inputs/inputs.js';
export * from './plan/deploy.js';
export * from './plan/operations.js';
export type * from './plan/release.js';
export * from './plan/rollout.js';
export type * from './ports/bundles.js';
export * from './ports/events.js';
export * from './ports/ports.js';
export * from './prepare/app-spec.js';
export * from './prepare/deploy.js';
export * from './prepare/operations.js';
export * from './prepare/source.js';
export * from './present.js';
export * from './real-ports.js';
export { execute } from './run/deploy.js';
export * from './run/history.js';
export { missingTokenError } from './run/operation.js';
export type * from './run/ports.js';
export * from './run/promote.js';
export { describeQuit, newReleaseLive, type ReleaseLive } from './run/quit.js';
export * from './run/result.js';
export * from './run/rollback.js';
export * from './run/rollout.js';
export { StepFailure, type StepRecord, StepRunner } from './run/runner.js';
export * from './run/status.js';
export * from './run/unlock.js';
export type { AppSpec, AppSpecEnvironment } from './spec/app-spec.js';
export { default as appSpecSchema } from './spec/app-spec.schema.json' with { type: 'json' };
export { describeFailure } from './steps/report.js';
export type { RecoveryResult } from './steps/restore.js';
export { diffDocuments, READ_ONLY_FIELDS, shortTaskDefinition } from './steps/rollout/task-definition.js';
export { done, type StepContext, type StepOutcome, skipped } from './steps/step.js';
