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
  type RunRecord,
  type RunState,
  type StepPlan,
} from './model.js';
export { type GitHubSpec, loadGitHubSpec } from './openapi.js';
export {
  defaultWorkflowYaml,
  type Fault,
  type GitHubPeer,
  type GitHubPeerOptions,
  type GitHubPeerStats,
  type GitHubScenario,
  type InfraRepo,
  type RequestLogEntry,
  type RunConclusionName,
  type RunPlan,
  startGitHubPeer,
  type TokenAccess,
  type TokenSpec,
} from './peer.js';
