/**
 * `InfraWorkflows` over the GitHub REST API (Octokit with retry and throttling): a thin facade over the
 * modules that do the work. Loaded lazily by `createGitHubWorkflows`.
 */
import type {
  InfraWorkflows,
  RunRef,
  RunResult,
  RunSummary,
  WaitOptions,
  WorkflowInfo,
  WorkflowTarget,
} from '../ports/ports.js';
import { cancelRun } from './cancel.js';
import { GitHubContext, type ResolvedOptions } from './context.js';
import { Dispatcher } from './dispatch.js';
import { WorkflowFacts } from './facts.js';
import { RunPoller } from './poller.js';
import { preflight } from './preflight.js';
import { RunListing } from './runs.js';

export class GitHubWorkflows implements InfraWorkflows {
  private readonly gh: GitHubContext;
  private readonly facts: WorkflowFacts;
  private readonly dispatcher: Dispatcher;
  private readonly listing: RunListing;

  constructor(options: ResolvedOptions) {
    this.gh = new GitHubContext(options);
    this.facts = new WorkflowFacts(this.gh);
    this.dispatcher = new Dispatcher(this.gh, this.facts);
    this.listing = new RunListing(this.gh, this.facts);
  }

  preflight(target: WorkflowTarget): Promise<WorkflowInfo> {
    return preflight(this.gh, this.facts, target);
  }

  dispatch(target: WorkflowTarget): Promise<RunRef> {
    return this.dispatcher.dispatch(target);
  }

  async wait(run: RunRef, options: WaitOptions): Promise<RunResult> {
    return new RunPoller(this.gh, run, options, (r) => this.cancel(r)).wait();
  }

  cancel(run: RunRef): Promise<void> {
    return cancelRun(this.gh, run);
  }

  /** With a GitHub App: revoke every installation token minted. Call once, at the end (also on failure). */
  async close(): Promise<void> {
    await this.gh.appTokens?.revokeAll();
  }

  activeRuns(target: WorkflowTarget): Promise<RunSummary[]> {
    return this.listing.activeRuns(target);
  }

  latestRun(target: WorkflowTarget): Promise<RunSummary | undefined> {
    return this.listing.latestRun(target);
  }
}
