export { type CommandStep, commandExecutor, runCommand } from './command.js';
export {
  type ExecutedRun,
  type RunExecutor,
  type RunIo,
  StepFailed,
  type StepIo,
} from './executor.js';
export {
  type ApprovalPlan,
  DEFAULT_JOBS,
  type JobPlan,
  type RunConclusionName,
  type RunPlan,
  type RunRecord,
  type RunState,
  type StepPlan,
} from './model.js';
export { API_VERSIONS, type ApiVersion, type GitHubSpec, loadGitHubSpec } from './openapi.js';
export {
  type AppOptions,
  defaultWorkflowYaml,
  type Fault,
  type GitHubPeer,
  type GitHubPeerOptions,
  type GitHubPeerStats,
  type GitHubScenario,
  type InfraRepo,
  type IssuedToken,
  type RequestLogEntry,
  startGitHubPeer,
  type TestApp,
  type TokenAccess,
  type TokenSpec,
} from './peer.js';
