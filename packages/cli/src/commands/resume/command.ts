import type { Command } from '@commander-js/extra-typings';
import type { ResumeAction } from '@shared-hosting/core';
import { appOption, awsOptions, commonOptions, ecsOptions, envOption, type FlagsOf } from '../../options.js';

const DESCRIPTIONS: Record<ResumeAction, string> = {
  continue: 'Resume the ECS deployment paused at a pause hook (ContinueServiceDeployment CONTINUE).',
  abort:
    'Roll back the ECS deployment in flight (ContinueServiceDeployment ROLLBACK when paused, else StopServiceDeployment ROLLBACK).',
};

/** `hosting continue` / `hosting abort`: answer the deployment in flight. One body for both: ./run.ts. */
export function resumeCommand(program: Command, action: ResumeAction) {
  const command = appOption(program.command(action).description(DESCRIPTIONS[action])).addOption(envOption());
  return commonOptions(awsOptions(ecsOptions(command))).addHelpText(
    'after',
    `
Nothing in flight: exit 3.

Examples:
  $ hosting ${action} --app hello-app --env production
  $ hosting ${action} --app hello-app --env production --json
`,
  );
}

export type ResumeFlags = FlagsOf<ReturnType<typeof resumeCommand>>;
