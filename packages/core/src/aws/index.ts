/**
 * AWS ports: ECR (`Registry`) and SSM Parameter Store (`ParameterStore`) over the AWS SDK v3.
 * This module loads no SDK: `createAwsPorts` imports the clients on demand, so `import '@shared-hosting/core'`
 * stays cheap (`hosting --help` must not pay for the SDK).
 */
import type { ContainerService } from '../ports/ports.js';
import type { AwsPorts, AwsPortsOptions } from './options.js';

export type { AwsPorts, AwsPortsOptions } from './options.js';

/**
 * Create the ECR and SSM ports. Loads the SDK clients now (not at import time), resolves the region
 * (InputError naming AWS_REGION when there is none) and configures retries of throttling, 5xx and timeouts.
 */
export async function createAwsPorts(options: AwsPortsOptions): Promise<AwsPorts> {
  const { createAwsClients } = await import('./clients.js');
  return createAwsClients(options);
}

/**
 * Create the ECS port (ContainerService), with the same region, credentials, endpoint override
 * (AWS_ENDPOINT_URL_ECS or AWS_ENDPOINT_URL), retries and timeouts as the SSM and ECR clients.
 */
export async function createContainerService(options: AwsPortsOptions): Promise<ContainerService> {
  const { createEcsClient } = await import('./ecs.js');
  return createEcsClient(options);
}
