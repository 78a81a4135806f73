// The engine's public API, name by name. Importing it loads no SDK: AWS, Octokit and the builders load
// lazily. Helpers only an adapter needs (its input names, the text of a plan) are in `./adapter`; the
// secret masker in `./secrets`; the in-memory fakes in `./testing`.

// The builders' registry: names, auto-detection order, the choices an adapter offers
export {
  BUILDER_CHOICES,
  BUILDER_NAMES,
  BUILDERS,
  type BuilderChoice,
  type BuilderEntry,
  DEFAULT_BUILDER,
  isBuilderChoice,
} from './builders/registry.js';
export { DEPLOYED_LABEL, deployedStage, HISTORY_MAX, WAIT_UNTIL } from './domain/names.js';
export { formatProvenance, type Provenance, parseProvenance, type SourceInfo } from './domain/provenance.js';
export {
  CONDITIONAL_STEPS,
  DEPLOY_STEPS,
  PROMOTE_STEPS,
  READ_STEPS,
  ROLLBACK_STEPS,
  ROLLOUT_STEPS,
  type RolloutStepId,
  STEP_TITLES,
  type StepId,
} from './domain/steps.js';
// Errors, and the catalog the troubleshooting page is built from
export { type CatalogEntry, errorCatalog } from './errors/catalog.js';
export {
  BuildError,
  DeploymentFailedError,
  type ErrorKind,
  HostingError,
  InputError,
  InputErrors,
  InterruptedError,
  PreconditionError,
  RemoteError,
  RolloutFailedError,
  TimeoutError,
  toHostingError,
} from './errors/errors.js';
// Composition: the real ports, the one --json shape
export { revokeGitHubAppTokens } from './github/index.js';
export { resolveGitHubToken } from './github/token.js';
export { createGitHubPorts, type GitHubPorts } from './github-ports.js';
// Inputs
export {
  blankToUndefined,
  checkRolloutInputs,
  DEFAULTS,
  type DeployInputs,
  formatDuration,
  type InputKey,
  type InputNames,
  NAME_PATTERN,
  parseDeployInputs,
  parseFlag,
  parseRepositorySlug,
  type RolloutInputNames,
  type RolloutInputs,
} from './inputs/inputs.js';
export type { AdapterNames } from './inputs/names.js';
// Plans, and the reads that prepare them
export { type DeployPlan, plan } from './plan/deploy.js';
export {
  type HistoryPlan,
  type OperationInputNames,
  type OperationInputs,
  type PromotePlan,
  parseReleaseOptions,
  planHistory,
  planPromote,
  planRollback,
  planStatus,
  planUnlock,
  type RollbackPlan,
  type StatusPlan,
  type UnlockPlan,
} from './plan/operations.js';
export type { ReleaseOptions, WaitPlan } from './plan/release.js';
export type { RolloutPlan } from './plan/rollout.js';
// Ports, events and the shared facts
export type { OperationPorts, Ports } from './ports/bundles.js';
export { type HostingEvent, RecordingReporter, type Reporter, silentReporter } from './ports/events.js';
export type {
  BuilderName,
  Clock,
  ContainerService,
  ImageBuilder,
  ImageInfo,
  InfraWorkflows,
  ParameterStore,
  ParameterValue,
  Registry,
  RolloutState,
  RunRef,
  RunResult,
  ServiceDeployment,
  WorkflowTarget,
} from './ports/ports.js';
export { prepareRollout } from './prepare/app-spec.js';
export { type PrepareContext, prepareDeploy } from './prepare/deploy.js';
export { preparePromote, prepareRollback } from './prepare/operations.js';
export { normalizeRemoteUrl } from './prepare/source.js';
export {
  type CommandName,
  type CommandResult,
  errorJson,
  RESULT_FIELDS,
  type Reads,
  readsOf,
  resultFieldsMarkdown,
  resultJson,
} from './present.js';
export { type CreatePortsOptions, createPorts, createRolloutPorts, type RealPorts } from './real-ports.js';
// Operations and their results
export { execute } from './run/deploy.js';
export { type HistoryEntry, type HistoryResult, history } from './run/history.js';
export { missingTokenError } from './run/operation.js';
export type { ExecuteOptions, OperationOptions } from './run/ports.js';
export { type PromoteResult, promote } from './run/promote.js';
export { type ReleaseOutputs, type ReleaseResult, toOutputs } from './run/result.js';
export { planResume, type ResumePlan, type ResumePorts, type ResumeResult, resume } from './run/resume.js';
export { type RollbackResult, rollback } from './run/rollback.js';
export {
  type RolloutOptions,
  type RolloutPorts,
  type RolloutResult,
  rollout,
  rolloutOutputs,
} from './run/rollout.js';
export type { StepRecord } from './run/runner.js';
export { type EnvironmentStatus, type StatusResult, status } from './run/status.js';
export { type UnlockResult, unlock } from './run/unlock.js';
// The App spec
export type { AppSpec } from './spec/app-spec.js';
export { default as appSpecSchema } from './spec/app-spec.schema.json' with { type: 'json' };
export type { RecoveryResult } from './steps/restore.js';
export type { ResumeAction } from './steps/rollout/resume.js';
export { shortTaskDefinition } from './steps/rollout/task-definition.js';
