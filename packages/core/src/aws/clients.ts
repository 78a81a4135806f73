/**
 * The SDK side of the AWS ports: builds the SSM and ECR clients with the shared settings, resolves the
 * region and composes the ports. Imported only by `createAwsPorts` (dynamic import), never at load time.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsSettings, clientConfig, quietly } from './config.js';
import { EcrRegistry } from './ecr.js';
import type { AwsPorts, AwsPortsOptions } from './options.js';
import { connect } from './parameters.js';
import { SsmParameterStore } from './ssm.js';

export async function createAwsClients(options: AwsPortsOptions): Promise<AwsPorts> {
  const settings = awsSettings(options);
  const { ssm, ecr } = quietly(() => {
    const ssm = new SSMClient(clientConfig(options, settings, 'SSM'));
    // One credential chain for both clients: resolved (and bounded) once.
    const ecr = new ECRClient({
      ...clientConfig(options, settings, 'ECR'),
      credentials: ssm.config.credentials,
    });
    return { ssm, ecr };
  });
  const { aws, region } = await connect(settings, ssm, () => {
    ssm.destroy();
    ecr.destroy();
  });
  return {
    registry: new EcrRegistry(ecr, aws),
    parameters: new SsmParameterStore(ssm, aws, { baseDelayMs: settings.baseDelayMs, debug: settings.debug }),
    region,
  };
}
