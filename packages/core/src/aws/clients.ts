/**
 * The SDK side of the AWS ports: builds the SSM and ECR clients with the shared settings, resolves the
 * region and composes the ports. Imported only by `createAwsPorts` (dynamic import), never at load time.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AwsCaller } from './call.js';
import { awsSettings, clientConfig, quietly } from './config.js';
import { EcrRegistry } from './ecr.js';
import { type AwsPorts, type AwsPortsOptions, missingRegionError } from './options.js';
import { SsmParameterStore } from './ssm.js';

export async function createAwsClients(options: AwsPortsOptions): Promise<AwsPorts> {
  const settings = awsSettings(options);
  const { ssm, ecr } = quietly(() => ({
    ssm: new SSMClient(clientConfig(options, settings, 'SSM')),
    ecr: new ECRClient(clientConfig(options, settings, 'ECR')),
  }));
  const region =
    settings.explicitRegion ??
    (await Promise.resolve()
      .then(() => ssm.config.region())
      .catch(() => undefined));
  if (!region) {
    ssm.destroy();
    ecr.destroy();
    throw missingRegionError(settings.profile);
  }
  const aws = new AwsCaller(region, settings.profile, settings.env);
  return {
    registry: new EcrRegistry(ecr, aws),
    parameters: new SsmParameterStore(ssm, aws, { baseDelayMs: settings.baseDelayMs, debug: settings.debug }),
    region,
  };
}
