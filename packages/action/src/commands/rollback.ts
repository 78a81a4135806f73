/** `command: rollback`: go back to the version given by `to`, whose image must still be in ECR. */
import { prepareRollback, rollback as runRollback } from '@shared-hosting/core';
import { code } from '../html.js';
import { prepareOperation, releaseFacts, releaseFailure, releaseHeading, releaseOutputs } from './release.js';
import type { ActionCommand } from './types.js';

export const rollback: ActionCommand<'rollback'> = {
  prepare: prepareOperation('rollback', prepareRollback, runRollback),
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
