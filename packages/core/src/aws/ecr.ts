/** The `Registry` port over ECR: login, repositories, images by tag or digest, re-tagging. */
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  GetAuthorizationTokenCommand,
  type ImageDetail,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { PreconditionError, RemoteError } from '../errors/errors.js';
import type { ImageInfo, Registry, RegistryAuth, RepositoryInfo } from '../ports/ports.js';
import type { AwsCaller } from './call.js';
import { awsErrorName } from './errors.js';

/** Manifest types we accept back from BatchGetImage (ECR converts otherwise). */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

type ImageId = { imageTag: string } | { imageDigest: string };

function noAuthorization(message: string, fix: string): RemoteError {
  return new RemoteError('ecr', 'AWS_REQUEST_FAILED', message, { fix });
}

export class EcrRegistry implements Registry {
  constructor(
    private readonly ecr: ECRClient,
    private readonly aws: AwsCaller,
  ) {}

  async getAuthorization(): Promise<RegistryAuth> {
    const out = await this.aws.call({ service: 'ecr', action: 'GetAuthorizationToken' }, () =>
      this.ecr.send(new GetAuthorizationTokenCommand({})),
    );
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
      throw noAuthorization(
        'ECR GetAuthorizationToken returned no authorization data.',
        'Run again; if it persists, check the ECR endpoint in use (AWS_ENDPOINT_URL).',
      );
    }
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw noAuthorization(
        'ECR returned an authorization token that is not user:password.',
        'Check the ECR endpoint in use (AWS_ENDPOINT_URL).',
      );
    }
    return {
      registry: data.proxyEndpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, ''),
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
      insecure: data.proxyEndpoint.startsWith('http://'),
      expiresAt: data.expiresAt,
    };
  }

  async describeRepository(name: string): Promise<RepositoryInfo> {
    const out = await this.aws.call({ service: 'ecr', action: 'DescribeRepositories', resource: name }, () =>
      this.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })),
    );
    const repository = out.repositories?.find((r) => r.repositoryName === name);
    if (!repository?.repositoryUri) {
      const region = this.aws.region;
      throw new PreconditionError(
        'ECR_REPOSITORY_NOT_FOUND',
        `The ECR repository "${name}" does not exist in region ${region}.`,
        {
          fix: `Create it (aws ecr create-repository --repository-name ${name} --region ${region}), or pass the right name with ${this.aws.names.repository}.`,
        },
      );
    }
    return { name, uri: repository.repositoryUri, registryId: repository.registryId };
  }

  findImage(repository: string, tag: string): Promise<ImageInfo | undefined> {
    return this.describeImage(repository, { imageTag: tag }, tag);
  }

  findImageByDigest(repository: string, digest: string): Promise<ImageInfo | undefined> {
    return this.describeImage(repository, { imageDigest: digest }, undefined);
  }

  async tagImage(repository: string, digest: string, newTag: string): Promise<ImageInfo> {
    const got = await this.aws.call({ service: 'ecr', action: 'BatchGetImage', resource: repository }, () =>
      this.ecr.send(
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
        `Image ${digest} is not in the ECR repository "${repository}" (${this.aws.region}).`,
        { fix: 'Deploy a version whose image exists, or build and push it first.' },
      );
    }
    try {
      await this.ecr.send(
        new PutImageCommand({
          repositoryName: repository,
          imageManifest: image.imageManifest,
          ...(image.imageManifestMediaType ? { imageManifestMediaType: image.imageManifestMediaType } : {}),
          imageTag: newTag,
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ImageAlreadyExistsException') {
        throw this.aws.mapError(error, { service: 'ecr', action: 'PutImage', resource: repository });
      }
    }
    const tagged = await this.describeImage(repository, { imageTag: newTag }, newTag);
    return tagged ?? { repository, tag: newTag, digest, tags: [newTag] };
  }

  /** DescribeImages of one image; undefined when ECR does not have it. */
  private async describeImage(
    repository: string,
    imageId: ImageId,
    tag: string | undefined,
  ): Promise<ImageInfo | undefined> {
    let detail: ImageDetail | undefined;
    try {
      const out = await this.ecr.send(
        new DescribeImagesCommand({ repositoryName: repository, imageIds: [imageId] }),
      );
      detail = out.imageDetails?.[0];
    } catch (error) {
      if (awsErrorName(error) === 'ImageNotFoundException') return undefined;
      throw this.aws.mapError(error, { service: 'ecr', action: 'DescribeImages', resource: repository });
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
}
