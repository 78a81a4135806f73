/** One place that turns SDK failures into HostingErrors naming the region, endpoint and profile in use. */
import type { HostingError } from '../errors/errors.js';
import type { AdapterNames } from '../inputs/names.js';
import { type AwsServiceId, type AwsSettings, endpointFor } from './config.js';
import { type AwsCallContext, mapAwsError } from './errors.js';

export type CallContext = Omit<AwsCallContext, 'region' | 'endpoint' | 'profile' | 'names'>;

export class AwsCaller {
  /** How the adapter calls the settings the messages name. */
  readonly names: AdapterNames;
  constructor(
    readonly region: string,
    private readonly settings: Pick<AwsSettings, 'profile' | 'env' | 'names'>,
  ) {
    this.names = settings.names;
  }

  mapError(error: unknown, context: CallContext): HostingError {
    const service = context.service.toUpperCase() as AwsServiceId;
    return mapAwsError(error, {
      ...context,
      region: this.region,
      endpoint: endpointFor(this.settings.env, service),
      profile: this.settings.profile,
      names: this.names,
    });
  }

  /** Run one SDK call; a failure becomes the mapped HostingError. */
  async call<T>(context: CallContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.mapError(error, context);
    }
  }
}
