/** `command: deploy`: build, push, set the version, trigger and wait. */
import { execute, parseReleaseOptions, prepareDeploy } from '@shared-hosting/core';
import { ACTION_NAMES, parseDryRun, parseTrigger } from '../command-input.js';
import { ACTION_INPUT_NAMES, TRIGGER_INPUT } from '../inputs.js';
import { releaseFacts, releaseFailure, releaseHeading, releaseOutputs, withReleasePorts } from './release.js';
import type { ActionCommand } from './types.js';

export const deploy: ActionCommand<'deploy'> = {
  prepare: async (given, context) => {
    const plan = await prepareDeploy(given.inputs, ACTION_INPUT_NAMES, context);
    const release = parseReleaseOptions({ ...given.operation }, ACTION_NAMES);
    const dryRun = parseDryRun(given);
    // false: only set the version (no token needed, no run triggered: "version set, not deployed").
    const trigger = parseTrigger(given);
    const noTriggerInput = `${TRIGGER_INPUT}: false`;
    return {
      cancels: plan.wait.cancelOnInterrupt && trigger ? plan.workflow : undefined,
      run: (session) =>
        withReleasePorts(session, plan.build.builder, async (ports, options) => ({
          command: 'deploy',
          result: await execute(plan, ports, { ...release, ...options, dryRun, trigger, noTriggerInput }),
        })),
    };
  },
  outputs: releaseOutputs,
  heading: (result) => {
    const { application, version, environment } = result;
    const what = `${application} ${version} to ${environment}`;
    return releaseHeading(result, { done: '✅ Deployed', noun: 'Deployment', what });
  },
  facts: releaseFacts,
  failure: releaseFailure,
};
