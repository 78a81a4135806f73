/** `command: rollback`: go back to the version given by `to`, whose image must still be in ECR. */
import { prepareRollback, rollback as runRollback } from '@shared-hosting/core';
import { ACTION_NAMES, operationInputs, parseDryRun } from '../command-input.js';
import { code } from '../html.js';
import { releaseFacts, releaseFailure, releaseHeading, releaseOutputs, withReleasePorts } from './release.js';
import type { ActionCommand } from './types.js';

export const rollback: ActionCommand<'rollback'> = {
  prepare: async (given, context) => {
    const plan = await prepareRollback(operationInputs(given), ACTION_NAMES, context);
    const dryRun = parseDryRun(given);
    return {
      cancels: plan.wait.cancelOnInterrupt ? plan.target.workflow : undefined,
      run: (session) =>
        withReleasePorts(session, 'auto', async (ports, options) => ({
          command: 'rollback',
          result: await runRollback(plan, ports, { ...options, dryRun }),
        })),
    };
  },
  outputs: releaseOutputs,
  heading: (result) => {
    const { application, environment, from, version } = result;
    const what = `${application} in ${environment}${from ? ` from ${from}` : ''} to ${version}`;
    return releaseHeading(result, { done: '⏪ Rolled back', noun: 'Rollback', what });
  },
  facts: (result, read) => [
    ...releaseFacts(result, read),
    ...(result.from ? [['Rolled back from', code(result.from)] as [string, string]] : []),
  ],
  failure: releaseFailure,
};
