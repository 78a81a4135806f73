/**
 * The `command` input: deploy (default), rollback or promote. Prepares the one the inputs ask for and
 * returns how to run it, so that main.ts runs every command the same way (reporter, ports, outputs,
 * summary). The engine does the work; this file only maps inputs.
 */
import {
  ACTION_INPUT_NAMES,
  type BuilderName,
  type DeployPorts,
  type DeployResult,
  execute,
  type OperationInputs,
  type PrepareContext,
  parseReleaseOptions,
  prepareDeploy,
  preparePromote,
  prepareRollback,
  promote,
  rollback,
  type WorkflowTarget,
} from '@shared-hosting/core';
import { ACTION_NAMES, type CommandName, operationInputs, parseCommand } from './command-input.js';
import type { ActionInputs } from './inputs.js';

export interface PreparedCommand {
  command: CommandName;
  /** The infra workflow the command triggers (for the post step's cancellation). */
  workflow: WorkflowTarget;
  cancelOnInterrupt: boolean;
  /** Only deploy builds; the others never resolve a builder. */
  builder: BuilderName | 'auto';
  run(ports: DeployPorts, options: { signal: AbortSignal; tokenInput: string }): Promise<DeployResult>;
}

/** Validate every input of the command and resolve its plan (reads only). */
export async function prepareCommand(given: ActionInputs, context: PrepareContext): Promise<PreparedCommand> {
  const command = parseCommand(given.command);
  const operation: OperationInputs = { ...given.operation };
  if (command === 'deploy') {
    const plan = await prepareDeploy(given.inputs, ACTION_INPUT_NAMES, context);
    const release = parseReleaseOptions(operation, ACTION_NAMES);
    return {
      command,
      workflow: plan.workflow,
      cancelOnInterrupt: plan.wait.cancelOnInterrupt,
      builder: plan.build.builder,
      run: (ports, options) => execute(plan, ports, { ...release, ...options }),
    };
  }
  if (command === 'rollout') throw new Error('command: rollout runs through rollout.ts, not prepareCommand.');
  const raw = operationInputs(given);
  if (command === 'rollback') {
    const plan = await prepareRollback(raw, ACTION_NAMES, context);
    return {
      command,
      workflow: plan.target.workflow,
      cancelOnInterrupt: plan.wait.cancelOnInterrupt,
      builder: 'auto',
      run: (ports, options) => rollback(plan, ports, options),
    };
  }
  const plan = await preparePromote(raw, ACTION_NAMES, context);
  return {
    command,
    workflow: plan.target.workflow,
    cancelOnInterrupt: plan.wait.cancelOnInterrupt,
    builder: 'auto',
    run: (ports, options) => promote(plan, ports, options),
  };
}

type OperationResult = DeployResult & {
  operation?: string;
  from?: string | undefined;
  sourceEnvironment?: string;
  sourceVersion?: string | undefined;
  retagged?: boolean;
};

/** The summary's heading: what was deployed, rolled back or promoted, and how it went. */
export function summaryHeading(result: OperationResult): string {
  const env = result.environment;
  const triggered = result.status === 'succeeded' && result.run !== undefined && !result.conclusion;
  if (result.operation === 'rollback') {
    const what = `${result.application} in ${env}${result.from ? ` from ${result.from}` : ''} to ${result.version}`;
    if (result.status === 'failed') return `❌ Rollback of ${what} failed`;
    return triggered ? `🚀 Rollback of ${what} triggered` : `⏪ Rolled back ${what}`;
  }
  if (result.operation === 'promote') {
    const what = `${result.application} ${result.version} from ${result.sourceEnvironment} to ${env}`;
    if (result.status === 'failed') return `❌ Promotion of ${what} failed`;
    return triggered ? `🚀 Promotion of ${what} triggered` : `⏩ Promoted ${what}`;
  }
  const what = `${result.application} ${result.version} to ${env}`;
  if (result.status === 'failed') return `❌ Deployment of ${what} failed`;
  return triggered ? `🚀 Deployment of ${what} triggered` : `✅ Deployed ${what}`;
}

/** Extra rows of the summary's facts table: the source of a promotion, the recovery after a failure. */
export function summaryFacts(
  result: OperationResult,
  html: {
    code: (text: string) => string;
    link: (url: string, text: string) => string;
    escape: (text: string) => string;
  },
): [string, string][] {
  const rows: [string, string][] = [];
  if (result.operation === 'rollback' && result.from) rows.push(['Rolled back from', html.code(result.from)]);
  if (result.operation === 'promote') {
    rows.push([
      'Promoted from',
      `${html.code(result.sourceEnvironment ?? '')}${result.sourceVersion ? ` (${html.code(result.sourceVersion)})` : ''}${result.retagged ? `, tagged ${html.code(result.version)}` : ''}`,
    ]);
  }
  const recovery = result.recovery;
  if (recovery) {
    rows.push(['Rollback on failure', html.escape(recovery.summary)]);
    if (recovery.run) {
      rows.push([
        'Redeployment run',
        `${html.link(recovery.run.url, `run ${recovery.run.id}`)}${recovery.conclusion ? `: ${html.escape(recovery.conclusion)}` : ''}`,
      ]);
    }
  }
  return rows;
}
