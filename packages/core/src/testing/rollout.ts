// The fixture of the rollout's unit tests (rollout.test.ts, rollout-strategies.test.ts): hello-app's service
// on the cluster shared-staging over the fakes, and the plan of its rollout to staging. Test helpers, not
// exported from the package.
import type { RolloutInputs } from '../inputs/inputs.js';
import { planRollout } from '../plan/rollout.js';
import { RecordingReporter } from '../ports/events.js';
import type { ParameterStore, ResourceTag, TaskDefinitionDocument } from '../ports/ports.js';
import type { AppSpec } from '../spec/app-spec.js';
import { createFakes } from './fakes.js';
import { ROLLOUT_NAMES } from './names.js';
import { PARAM } from './release.js';

/** The cluster hello-app's staging runs on. */
export const CLUSTER = 'shared-staging';

interface RolloutFixtureOptions {
  /** The tags of hello-app's images in its repository. Default v2. */
  images?: readonly string[];
  /** The tags of the service's task definition. */
  tags?: ResourceTag[];
  /** The rollout's inputs besides the application, the environment, the cluster and the container. */
  inputs?: RolloutInputs;
}

/**
 * The fakes with hello-app's `images` in its repository and its service hello-app on shared-staging running
 * `document`, the reporter, the rollout's ports over the fakes, and the plan of the rollout to staging (the
 * container `web`, no App spec).
 */
export function helloAppRollout(document: TaskDefinitionDocument, o: RolloutFixtureOptions = {}) {
  const fakes = createFakes();
  const reporter = new RecordingReporter();
  fakes.registry.repositories.add('hello-app');
  for (const tag of o.images ?? ['v2']) fakes.registry.addImage('hello-app', tag);
  fakes.containers.addService(CLUSTER, 'hello-app', document, o.tags ? { tags: o.tags } : {});
  const plan = stagingRolloutPlan({ cluster: CLUSTER, container: 'web', ...o.inputs });
  return { ...fakes, reporter, plan, ports: { ...fakes, reporter } };
}

/** The plan of hello-app's rollout to staging, with `inputs` and the App spec when there is one. */
export function stagingRolloutPlan(inputs: RolloutInputs, spec?: AppSpec) {
  return planRollout({ application: 'hello-app', environment: 'staging', ...inputs }, spec, ROLLOUT_NAMES);
}

/** What a rollout of v2 finds: v1 written and labelled deployed, then v2 written. */
export async function v2AfterV1(parameters: ParameterStore): Promise<void> {
  await parameters.put(PARAM, 'v1', 'first');
  await parameters.label(PARAM, 1, ['deployed']);
  await parameters.put(PARAM, 'v2', 'second');
}
