/**
 * SSM alone (no ECR): the parameter store of a caller that needs nothing else, such as the Action's post
 * step releasing a lock its killed main step left. Imported on demand, like clients.ts.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterStore } from '../ports/ports.js';
import { AwsCaller } from './call.js';
import { type AwsSettings, awsSettings, clientConfig, quietly } from './config.js';
import { boundCredentials } from './credentials.js';
import { type AwsPortsOptions, checkRegion, missingRegionError } from './options.js';
import { SsmParameterStore } from './ssm.js';

export async function createSsmParameterStore(options: AwsPortsOptions): Promise<ParameterStore> {
  const settings = awsSettings(options);
  const ssm = quietly(() => new SSMClient(clientConfig(options, settings, 'SSM')));
  const { aws } = await connect(settings, ssm, () => ssm.destroy());
  return new SsmParameterStore(ssm, aws, { baseDelayMs: settings.baseDelayMs, debug: settings.debug });
}

/**
 * The region and the credentials of the clients built on `ssm`'s settings, resolved once (the credentials
 * within their deadline); on failure `destroy` closes the clients before the error goes up.
 */
export async function connect(
  settings: AwsSettings,
  ssm: SSMClient,
  destroy: () => void,
): Promise<{ aws: AwsCaller; region: string }> {
  try {
    const region = await resolveRegion(settings, ssm);
    const aws = new AwsCaller(region, settings);
    await boundCredentials(ssm.config.credentials, {
      profile: settings.profile,
      names: settings.names,
      deadlineMs: settings.credentialsDeadlineMs,
      mapError: (error) => aws.mapError(error, { service: 'ssm', action: 'GetParameter' }),
    });
    return { aws, region };
  } catch (error) {
    destroy();
    throw error;
  }
}

/** The region given (checked by awsSettings), else the profile's, checked the same way; none: InputError. */
async function resolveRegion(settings: AwsSettings, ssm: SSMClient): Promise<string> {
  if (settings.explicitRegion) return settings.explicitRegion;
  const input = `the region of AWS profile "${settings.profile ?? 'default'}"`;
  const region = await Promise.resolve()
    .then(() => ssm.config.region())
    .catch((error: unknown) => {
      // The SDK refuses a region that is not a host name: name it as the profile's, not as missing.
      const refused = /Region not accepted: region="(.*)" is not/.exec(String((error as Error)?.message));
      if (refused?.[1] !== undefined) checkRegion({ region: refused[1], input }, settings.names);
      return undefined;
    });
  if (!region) throw missingRegionError(settings.profile, settings.names);
  return checkRegion({ region, input }, settings.names);
}
