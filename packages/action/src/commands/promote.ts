/** `command: promote`: ship the exact image running in `from-environment` to `environment`. */
import { preparePromote, promote as runPromote } from '@shared-hosting/core';
import { code } from '../html.js';
import { prepareOperation, releaseFacts, releaseFailure, releaseHeading, releaseOutputs } from './release.js';
import type { ActionCommand } from './types.js';

export const promote: ActionCommand<'promote'> = {
  prepare: prepareOperation('promote', preparePromote, runPromote),
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
