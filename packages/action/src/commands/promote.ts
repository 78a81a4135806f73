/** `command: promote`: ship the exact image running in `from-environment` to `environment`. */
import { preparePromote, promote as runPromote } from '@shared-hosting/core';
import { ACTION_NAMES, operationInputs, parseDryRun } from '../command-input.js';
import { code } from '../html.js';
import { releaseFacts, releaseFailure, releaseHeading, releaseOutputs, withReleasePorts } from './release.js';
import type { ActionCommand } from './types.js';

export const promote: ActionCommand<'promote'> = {
  prepare: async (given, context) => {
    const plan = await preparePromote(operationInputs(given), ACTION_NAMES, context);
    const dryRun = parseDryRun(given);
    return {
      cancels: plan.wait.cancelOnInterrupt ? plan.target.workflow : undefined,
      run: (session) =>
        withReleasePorts(session, 'auto', async (ports, options) => ({
          command: 'promote',
          result: await runPromote(plan, ports, { ...options, dryRun }),
        })),
    };
  },
  outputs: releaseOutputs,
  heading: (result) => {
    const { application, version, sourceEnvironment, environment } = result;
    const what = `${application} ${version} from ${sourceEnvironment} to ${environment}`;
    return releaseHeading(result, { done: '⏩ Promoted', noun: 'Promotion', what });
  },
  facts: (result, read) => {
    const { sourceEnvironment, sourceVersion, retagged, version } = result;
    const from = `${code(sourceEnvironment)}${sourceVersion ? ` (${code(sourceVersion)})` : ''}${retagged ? `, tagged ${code(version)}` : ''}`;
    return [...releaseFacts(result, read), ['Promoted from', from]];
  },
  failure: releaseFailure,
};
