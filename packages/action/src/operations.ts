/**
 * The `command` input's runners and summaries: one entry per command (deploy, rollback, promote), each
 * preparing its plan from the inputs and saying how to run it and how to head its job summary. main.ts
 * runs every command the same way (reporter, ports, outputs, summary). The engine does the work; this
 * file only maps inputs. The fast path's input checks are the other table, in command-input.ts.
 */
import {
  type BuilderName,
  execute,
  type Ports,
  type PrepareContext,
  parseReleaseOptions,
  prepareDeploy,
  preparePromote,
  prepareRollback,
  promote,
  type ReleaseResult,
  rollback,
  type WorkflowTarget,
} from '@shared-hosting/core';
import { ACTION_INPUT_NAMES } from '@shared-hosting/core/adapter';
import {
  ACTION_NAMES,
  operationInputs,
  parseCommand,
  RELEASE_COMMANDS,
  type ReleaseCommandName,
} from './command-input.js';
import type { ActionInputs } from './inputs.js';

export interface PreparedCommand {
  command: ReleaseCommandName;
  /** The infra workflow the command triggers (for the post step's cancellation). */
  workflow: WorkflowTarget;
  cancelOnInterrupt: boolean;
  /** Only deploy builds; the others never resolve a builder. */
  builder: BuilderName | 'auto';
  run(ports: Ports, options: { signal: AbortSignal; tokenInput: string }): Promise<ReleaseResult>;
}

/** A result with the fields rollback and promote add (`operation` names the command; none: deploy). */
export type OperationResult = ReleaseResult & {
  operation?: string;
  from?: string | undefined;
  sourceEnvironment?: string;
  sourceVersion?: string | undefined;
  retagged?: boolean;
};

/** What the summary's extra facts are rendered with. */
export interface SummaryHtml {
  code: (text: string) => string;
  link: (url: string, text: string) => string;
  escape: (text: string) => string;
}

/** One command of the Action, apart from its input check (command-input.ts). */
export interface CommandRunner {
  /** Validate every input of the command and resolve its plan (reads only). */
  prepare(given: ActionInputs, context: PrepareContext): Promise<Omit<PreparedCommand, 'command'>>;
  /** The summary's heading: what was done, and how it went. */
  heading(result: OperationResult): string;
  /** The command's own rows of the summary's facts table. */
  facts(result: OperationResult, html: SummaryHtml): [string, string][];
}

/** `✅ Deployed …` / `🚀 … triggered` / `❌ … failed`, in the command's words. */
function headingOf(result: OperationResult, words: { done: string; noun: string; what: string }): string {
  if (result.status === 'failed') return `❌ ${words.noun} of ${words.what} failed`;
  const triggered = result.run !== undefined && !result.conclusion;
  return triggered ? `🚀 ${words.noun} of ${words.what} triggered` : `${words.done} ${words.what}`;
}

export const COMMAND_RUNNERS: Record<ReleaseCommandName, CommandRunner> = {
  deploy: {
    async prepare(given, context) {
      const plan = await prepareDeploy(given.inputs, ACTION_INPUT_NAMES, context);
      const release = parseReleaseOptions({ ...given.operation }, ACTION_NAMES);
      return {
        workflow: plan.workflow,
        cancelOnInterrupt: plan.wait.cancelOnInterrupt,
        builder: plan.build.builder,
        run: (ports, options) => execute(plan, ports, { ...release, ...options }),
      };
    },
    heading: (result) =>
      headingOf(result, {
        done: '✅ Deployed',
        noun: 'Deployment',
        what: `${result.application} ${result.version} to ${result.environment}`,
      }),
    facts: () => [],
  },
  rollback: {
    async prepare(given, context) {
      const plan = await prepareRollback(operationInputs(given), ACTION_NAMES, context);
      return {
        workflow: plan.target.workflow,
        cancelOnInterrupt: plan.wait.cancelOnInterrupt,
        builder: 'auto',
        run: (ports, options) => rollback(plan, ports, options),
      };
    },
    heading: (result) =>
      headingOf(result, {
        done: '⏪ Rolled back',
        noun: 'Rollback',
        what: `${result.application} in ${result.environment}${result.from ? ` from ${result.from}` : ''} to ${result.version}`,
      }),
    facts: (result, html) => (result.from ? [['Rolled back from', html.code(result.from)]] : []),
  },
  promote: {
    async prepare(given, context) {
      const plan = await preparePromote(operationInputs(given), ACTION_NAMES, context);
      return {
        workflow: plan.target.workflow,
        cancelOnInterrupt: plan.wait.cancelOnInterrupt,
        builder: 'auto',
        run: (ports, options) => promote(plan, ports, options),
      };
    },
    heading: (result) =>
      headingOf(result, {
        done: '⏩ Promoted',
        noun: 'Promotion',
        what: `${result.application} ${result.version} from ${result.sourceEnvironment} to ${result.environment}`,
      }),
    facts: (result, html) => [
      [
        'Promoted from',
        `${html.code(result.sourceEnvironment ?? '')}${result.sourceVersion ? ` (${html.code(result.sourceVersion)})` : ''}${result.retagged ? `, tagged ${html.code(result.version)}` : ''}`,
      ],
    ],
  },
};

/** Validate every input of the command and resolve its plan (reads only). */
export async function prepareCommand(given: ActionInputs, context: PrepareContext): Promise<PreparedCommand> {
  const command = parseCommand(given.command);
  if (command === 'rollout' || command === 'continue' || command === 'abort')
    throw new Error(`command: ${command} runs through rollout.ts or resume.ts, not prepareCommand.`);
  return { command, ...(await COMMAND_RUNNERS[command].prepare(given, context)) };
}

/** The command a result comes from: its `operation`, deploy when it has none. */
function runnerOf(result: OperationResult): CommandRunner {
  const command = (RELEASE_COMMANDS as readonly string[]).includes(result.operation ?? '')
    ? (result.operation as ReleaseCommandName)
    : 'deploy';
  return COMMAND_RUNNERS[command];
}

/** The summary's heading: what was deployed, rolled back or promoted, and how it went. */
export function summaryHeading(result: OperationResult): string {
  return runnerOf(result).heading(result);
}

/** Extra rows of the summary's facts table: the command's own, then the recovery after a failure. */
export function summaryFacts(result: OperationResult, html: SummaryHtml): [string, string][] {
  const rows = runnerOf(result).facts(result, html);
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
