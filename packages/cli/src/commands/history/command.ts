import { type Command, Option } from '@commander-js/extra-typings';
import { DEFAULTS, HISTORY_MAX } from '@shared-hosting/core';
import {
  appOption,
  awsOptions,
  commonOptions,
  envOption,
  type FlagsOf,
  parameterOption,
} from '../../options.js';

/** `hosting history`: its flags. The body is ./run.ts, shared with the other read-only commands. */
export function historyCommand(program: Command) {
  const history = appOption(
    program
      .command('history')
      .description("List an environment's deployments, newest first, from the SSM parameter's history."),
  )
    .addOption(envOption())
    .addOption(
      new Option(
        '--limit <n>',
        `how many entries (1-${HISTORY_MAX}; SSM keeps the last ${HISTORY_MAX})`,
      ).default(String(DEFAULTS.historyLimit)),
    )
    .addOption(parameterOption());
  return commonOptions(awsOptions(history)).addHelpText(
    'after',
    `
Examples:
  $ hosting history --app hello-app --env production
  $ hosting history --app hello-app --env staging --limit 5 --json
`,
  );
}

export type HistoryFlags = FlagsOf<ReturnType<typeof historyCommand>>;
