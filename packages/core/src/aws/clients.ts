/**
 * The SDK side of the AWS ports. Imported only by `createAwsPorts` (dynamic import), never at load time.
 */
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ImageDetail,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  type ParameterHistory,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { PreconditionError, RemoteError } from '../errors.js';
import type {
  ImageInfo,
  ParameterStore,
  ParameterValue,
  Registry,
  RegistryAuth,
  RepositoryInfo,
} from '../ports.js';
import { withRetry } from '../retry.js';
import { awsClientSettings, quietly } from './config.js';
import { type AwsCallContext, awsErrorName, mapAwsError } from './errors.js';
import { type AwsPorts, type AwsPortsOptions, missingRegionError } from './index.js';

/** Manifest types we accept back from BatchGetImage (ECR converts otherwise). */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** SSM allows 1024 characters of Description. */
const MAX_DESCRIPTION = 1024;

export async function createAwsClients(options: AwsPortsOptions): Promise<AwsPorts> {
  const { profile, explicitRegion, base, endpointFor, common } = awsClientSettings(options);

  const { ssm, ecr } = quietly(() => ({
    ssm: new SSMClient(common('SSM')),
    ecr: new ECRClient(common('ECR')),
  }));

  let region = explicitRegion;
  if (!region) {
    try {
      region = await ssm.config.region();
    } catch {
      region = undefined;
    }
    if (!region) {
      ssm.destroy();
      ecr.destroy();
      throw missingRegionError(profile);
    }
  }
  const resolvedRegion = region;

  const mapError = (error: unknown, context: Omit<AwsCallContext, 'region' | 'endpoint'>) =>
    mapAwsError(error, {
      ...context,
      region: resolvedRegion,
      endpoint: endpointFor(context.service === 'ssm' ? 'SSM' : 'ECR'),
      profile,
    });
  const call = async <T>(
    context: Omit<AwsCallContext, 'region' | 'endpoint'>,
    fn: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw mapError(error, context);
    }
  };

  const registry: Registry = {
    async getAuthorization(): Promise<RegistryAuth> {
      const out = await call({ service: 'ecr', action: 'GetAuthorizationToken' }, () =>
        ecr.send(new GetAuthorizationTokenCommand({})),
      );
      const data = out.authorizationData?.[0];
      if (!data?.authorizationToken || !data.proxyEndpoint) {
        throw new RemoteError(
          'ecr',
          'AWS_REQUEST_FAILED',
          'ECR GetAuthorizationToken returned no authorization data.',
          {
            fix: 'Run again; if it persists, check the ECR endpoint in use (AWS_ENDPOINT_URL).',
          },
        );
      }
      const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new RemoteError(
          'ecr',
          'AWS_REQUEST_FAILED',
          'ECR returned an authorization token that is not user:password.',
          {
            fix: 'Check the ECR endpoint in use (AWS_ENDPOINT_URL).',
          },
        );
      }
      return {
        registry: data.proxyEndpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, ''),
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        insecure: data.proxyEndpoint.startsWith('http://'),
        expiresAt: data.expiresAt,
      };
    },

    async describeRepository(name: string): Promise<RepositoryInfo> {
      const out = await call({ service: 'ecr', action: 'DescribeRepositories', resource: name }, () =>
        ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })),
      );
      const repository = out.repositories?.find((r) => r.repositoryName === name);
      if (!repository?.repositoryUri) {
        throw new PreconditionError(
          'ECR_REPOSITORY_NOT_FOUND',
          `The ECR repository "${name}" does not exist in region ${resolvedRegion}.`,
          {
            fix: `Create it (aws ecr create-repository --repository-name ${name} --region ${resolvedRegion}), or pass the right name with --repository.`,
          },
        );
      }
      return { name, uri: repository.repositoryUri, registryId: repository.registryId };
    },

    findImage: (repository, tag) => findImage(repository, { imageTag: tag }, tag),
    findImageByDigest: (repository, digest) => findImage(repository, { imageDigest: digest }, undefined),

    async tagImage(repository: string, digest: string, newTag: string): Promise<ImageInfo> {
      const got = await call({ service: 'ecr', action: 'BatchGetImage', resource: repository }, () =>
        ecr.send(
          new BatchGetImageCommand({
            repositoryName: repository,
            imageIds: [{ imageDigest: digest }],
            acceptedMediaTypes: MANIFEST_TYPES,
          }),
        ),
      );
      const image = got.images?.[0];
      if (!image?.imageManifest) {
        throw new PreconditionError(
          'ECR_IMAGE_NOT_FOUND',
          `Image ${digest} is not in the ECR repository "${repository}" (${resolvedRegion}).`,
          { fix: 'Deploy a version whose image exists, or build and push it first.' },
        );
      }
      try {
        await ecr.send(
          new PutImageCommand({
            repositoryName: repository,
            imageManifest: image.imageManifest,
            ...(image.imageManifestMediaType ? { imageManifestMediaType: image.imageManifestMediaType } : {}),
            imageTag: newTag,
          }),
        );
      } catch (error) {
        if (awsErrorName(error) !== 'ImageAlreadyExistsException') {
          throw mapError(error, {
            service: 'ecr',
            action: 'PutImage',
            resource: repository,
          });
        }
      }
      const tagged = await findImage(repository, { imageTag: newTag }, newTag);
      return tagged ?? { repository, tag: newTag, digest, tags: [newTag] };
    },
  };

  async function findImage(
    repository: string,
    imageId: { imageTag: string } | { imageDigest: string },
    tag: string | undefined,
  ): Promise<ImageInfo | undefined> {
    let detail: ImageDetail | undefined;
    try {
      const out = await ecr.send(
        new DescribeImagesCommand({ repositoryName: repository, imageIds: [imageId] }),
      );
      detail = out.imageDetails?.[0];
    } catch (error) {
      if (awsErrorName(error) === 'ImageNotFoundException') return undefined;
      throw mapError(error, {
        service: 'ecr',
        action: 'DescribeImages',
        resource: repository,
      });
    }
    if (!detail?.imageDigest) return undefined;
    return {
      repository,
      tag: tag ?? detail.imageTags?.[0] ?? '',
      digest: detail.imageDigest,
      tags: detail.imageTags ?? [],
      pushedAt: detail.imagePushedAt,
      sizeBytes: detail.imageSizeInBytes,
    };
  }

  const parameters: ParameterStore = {
    async get(name: string): Promise<ParameterValue | undefined> {
      try {
        const out = await ssm.send(new GetParameterCommand({ Name: name }));
        const p = out.Parameter;
        if (!p) return undefined;
        return {
          name: p.Name ?? name,
          value: p.Value ?? '',
          version: p.Version ?? 0,
          lastModified: p.LastModifiedDate,
        };
      } catch (error) {
        if (awsErrorName(error) === 'ParameterNotFound') return undefined;
        throw mapError(error, {
          service: 'ssm',
          action: 'GetParameter',
          resource: name,
        });
      }
    },

    async put(name: string, value: string, description: string): Promise<{ version: number }> {
      const out = await putParameter(name, value, description, true);
      return { version: out.Version ?? 0 };
    },

    async create(name: string, value: string, description: string): Promise<{ version: number } | 'exists'> {
      try {
        const out = await putParameter(name, value, description, false);
        return { version: out.Version ?? 0 };
      } catch (error) {
        if ((error as { code?: string }).code === 'SSM_PARAMETER_EXISTS') return 'exists';
        throw error;
      }
    },

    async label(name: string, version: number, labels: readonly string[]): Promise<void> {
      const out = await withConflictRetry(name, () =>
        call({ service: 'ssm', action: 'LabelParameterVersion', resource: name }, () =>
          ssm.send(
            new LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: [...labels] }),
          ),
        ),
      );
      const invalid = out.InvalidLabels ?? [];
      if (invalid.length > 0) {
        throw new RemoteError(
          'ssm',
          'AWS_VALIDATION',
          `SSM rejected the label${invalid.length > 1 ? 's' : ''} ${invalid.map((l) => `"${l}"`).join(', ')} for version ${version} of ${name}.`,
          {
            fix: 'A label has 1-100 letters, digits, periods, hyphens or underscores and does not start with a digit, "aws" or "ssm".',
            details: { service: 'ssm', action: 'LabelParameterVersion', resource: name },
          },
        );
      }
    },

    async delete(name: string): Promise<void> {
      try {
        await withConflictRetry(name, () => ssm.send(new DeleteParameterCommand({ Name: name })));
      } catch (error) {
        if (awsErrorName(error) === 'ParameterNotFound') return;
        throw mapError(error, { service: 'ssm', action: 'DeleteParameter', resource: name });
      }
    },

    async history(name: string, limit = 50): Promise<ParameterValue[]> {
      const all: ParameterHistory[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await ssm.send(
            new GetParameterHistoryCommand({
              Name: name,
              MaxResults: 50,
              ...(token ? { NextToken: token } : {}),
            }),
          );
          all.push(...(out.Parameters ?? []));
          token = out.NextToken;
        } while (token);
      } catch (error) {
        if (awsErrorName(error) === 'ParameterNotFound') return [];
        throw mapError(error, {
          service: 'ssm',
          action: 'GetParameterHistory',
          resource: name,
        });
      }
      // SSM returns the oldest first.
      return all
        .sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0))
        .slice(0, limit)
        .map((p) => ({
          name: p.Name ?? name,
          value: p.Value ?? '',
          version: p.Version ?? 0,
          lastModified: p.LastModifiedDate,
          lastModifiedUser: p.LastModifiedUser,
          description: p.Description,
          labels: p.Labels ?? [],
        }));
    },
  };

  /** TooManyUpdates is a conflict with a concurrent writer: worth a few more tries beyond the SDK's. */
  function withConflictRetry<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, {
      attempts: 4,
      baseDelayMs: Math.max(1, base),
      retryable: (error) =>
        (error as { code?: string }).code === 'SSM_TOO_MANY_UPDATES' ||
        awsErrorName(error) === 'TooManyUpdates',
      onRetry: (_e, attempt, delay) =>
        options.debug?.(`SSM TooManyUpdates on ${name}: retry ${attempt} in ${delay} ms`),
    });
  }

  function putParameter(name: string, value: string, description: string, overwrite: boolean) {
    const Description =
      description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description;
    return withConflictRetry(name, () =>
      call({ service: 'ssm', action: 'PutParameter', resource: name }, () =>
        ssm.send(
          new PutParameterCommand({
            Name: name,
            Value: value,
            Type: 'String',
            ...(overwrite ? { Overwrite: true } : {}),
            Description,
          }),
        ),
      ),
    );
  }

  return { registry, parameters, region: resolvedRegion };
}
