// The set-up of the rollout's integration tests (run/rollout.integration.test.ts,
// run/rollout-services.integration.test.ts): the testkit's AWS peers with hello-app's images, and the
// rollout's ports over the real SDK clients. Test helpers, not exported from the package.
import {
  type AwsPeers,
  CRASH_LABEL,
  pushTestImage,
  type StartAwsPeersOptions,
  startAwsPeers,
} from '@shared-hosting/testkit';
import { createAwsPorts, createContainerService } from '../aws/index.js';
import { silentReporter } from '../ports/events.js';
import { type ContainerService, systemClock } from '../ports/ports.js';
import type { RolloutPorts } from '../run/rollout.js';
import { ADAPTER_NAMES } from './names.js';

/** Retries that do not wait: the tests inject faults that one retry must get past. */
const FAST = { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5 };

export interface RolloutPeers {
  peers: AwsPeers;
  /** The rollout's ports: the real SSM, ECR and ECS clients, the system clock, a silent reporter. */
  ports: RolloutPorts;
  containers: ContainerService;
  /** The digests of hello-app's images: v1 and v2 run, v3's container `crash` (CRASH_LABEL) crashes. */
  digests: { v1: string; v2: string; v3: string };
}

/**
 * Start the AWS peers (ECS ticks of 20 ms, and `ecs`) with hello-app's repository and its images v1, v2
 * and v3, whose CRASH_LABEL is `crash` ('true': every container; a name: that one), and the ports over them.
 */
export async function startRolloutPeers(
  crash: string,
  ecs?: StartAwsPeersOptions['ecs'],
): Promise<RolloutPeers> {
  const peers = await startAwsPeers({ ecsTickMs: 20, ...(ecs ? { ecs } : {}) });
  peers.createRepository('hello-app');
  const digests = {
    v1: await pushTestImage(peers.registry, 'hello-app', 'v1'),
    v2: await pushTestImage(peers.registry, 'hello-app', 'v2'),
    v3: await pushTestImage(peers.registry, 'hello-app', 'v3', { labels: { [CRASH_LABEL]: crash } }),
  };
  const aws = await createAwsPorts({ names: ADAPTER_NAMES, env: peers.env, retry: FAST });
  const containers = await createContainerService({ names: ADAPTER_NAMES, env: peers.env, retry: FAST });
  return {
    peers,
    containers,
    digests,
    ports: { ...aws, containers, clock: systemClock, reporter: silentReporter },
  };
}
