/** One place that turns SDK failures into HostingErrors naming the region, endpoint and profile in use. */
import type { HostingError } from '../errors/errors.js';
import { type AwsServiceId, endpointFor } from './config.js';
import { type AwsCallContext, mapAwsError } from './errors.js';
import type { AwsEnv } from './options.js';

export type CallContext = Omit<AwsCallContext, 'region' | 'endpoint'>;

export class AwsCaller {
  constructor(
    readonly region: string,
    private readonly profile: string | undefined,
    private readonly env: AwsEnv,
  ) {}

  mapError(error: unknown, context: CallContext): HostingError {
    const service = context.service.toUpperCase() as AwsServiceId;
    return mapAwsError(error, {
      ...context,
      region: this.region,
      endpoint: endpointFor(this.env, service),
      profile: this.profile,
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
