import { createHash } from 'node:crypto';
import { AwsServiceError, validation } from './errors.js';
import { MANIFEST_MEDIA_TYPES, type ManifestRecord, manifestSize, type RegistryApi } from './registry-api.js';

export interface EcrRepository {
  name: string;
  createdAt: Date;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
}

export interface EcrCaller {
  region: string;
  accountId: string;
}

export interface EcrBackend {
  registry: RegistryApi;
  /** Registry host (`127.0.0.1:PORT`). */
  host: string;
  username: string;
  password: string;
}

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

const epoch = (date: Date) => date.getTime() / 1000;

/**
 * ECR's control plane over a real registry: repositories are kept here (the OCI registry has none), image
 * questions are answered from the registry's HTTP API (tags → manifest digests).
 */
export class EcrState {
  readonly repositories = new Map<string, EcrRepository>();
  /** When the peer first saw a digest (the registry API does not report push times). */
  private readonly firstSeen = new Map<string, Date>();
  constructor(private readonly backend: EcrBackend | undefined) {}

  createRepository(
    name: string,
    options: { imageTagMutability?: 'MUTABLE' | 'IMMUTABLE' } = {},
  ): EcrRepository {
    const repository: EcrRepository = {
      name,
      createdAt: new Date(),
      imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
    };
    this.repositories.set(name, repository);
    return repository;
  }

  private get registry(): EcrBackend {
    if (!this.backend) {
      throw new AwsServiceError(
        'ServerException',
        'The testkit ECR peer was started without a registry.',
        500,
      );
    }
    return this.backend;
  }

  async handle(operation: string, input: Record<string, unknown>, caller: EcrCaller) {
    switch (operation) {
      case 'GetAuthorizationToken':
        return this.getAuthorizationToken();
      case 'DescribeRepositories':
        return this.describeRepositories(input, caller);
      case 'DescribeImages':
        return this.describeImages(input, caller);
      case 'BatchGetImage':
        return this.batchGetImage(input, caller);
      case 'PutImage':
        return this.putImage(input, caller);
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `The testkit ECR peer does not implement ${operation}.`,
        );
    }
  }

  private getAuthorizationToken() {
    const { host, username, password } = this.registry;
    return {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${username}:${password}`).toString('base64'),
          expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
          // A plain-http endpoint tells the engine this is a local registry.
          proxyEndpoint: `http://${host}`,
        },
      ],
    };
  }

  private repository(name: string, caller: EcrCaller, registryId: unknown): EcrRepository {
    const id = registryId === undefined ? caller.accountId : String(registryId);
    const repository = id === caller.accountId ? this.repositories.get(name) : undefined;
    if (!repository) {
      throw new AwsServiceError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${id}'`,
      );
    }
    return repository;
  }

  private describeRepository(repository: EcrRepository, caller: EcrCaller) {
    return {
      repositoryArn: `arn:aws:ecr:${caller.region}:${caller.accountId}:repository/${repository.name}`,
      registryId: caller.accountId,
      repositoryName: repository.name,
      repositoryUri: `${this.backend?.host ?? `${caller.accountId}.dkr.ecr.${caller.region}.amazonaws.com`}/${repository.name}`,
      createdAt: epoch(repository.createdAt),
      imageTagMutability: repository.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }

  private describeRepositories(input: Record<string, unknown>, caller: EcrCaller) {
    const names = input.repositoryNames as string[] | undefined;
    if (names) {
      return {
        repositories: names.map((n) =>
          this.describeRepository(this.repository(n, caller, input.registryId), caller),
        ),
      };
    }
    const all = [...this.repositories.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(all, input);
    return {
      repositories: page.map((r) => this.describeRepository(r, caller)),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  /** Group the repository's tags by manifest digest. */
  private async images(
    repository: string,
  ): Promise<Map<string, { tags: string[]; manifest: ManifestRecord }>> {
    const registry = this.registry.registry;
    const byDigest = new Map<string, { tags: string[]; manifest: ManifestRecord }>();
    for (const tag of await registry.listTags(repository)) {
      const manifest = await registry.getManifest(repository, tag);
      if (!manifest) continue;
      const entry = byDigest.get(manifest.digest) ?? { tags: [], manifest };
      entry.tags.push(tag);
      byDigest.set(manifest.digest, entry);
    }
    return byDigest;
  }

  private detail(
    repository: string,
    digest: string,
    tags: string[],
    manifest: ManifestRecord,
    caller: EcrCaller,
  ) {
    if (!this.firstSeen.has(digest)) this.firstSeen.set(digest, new Date());
    return {
      registryId: caller.accountId,
      repositoryName: repository,
      imageDigest: digest,
      ...(tags.length ? { imageTags: tags } : {}),
      imageSizeInBytes: manifestSize(manifest.body),
      imagePushedAt: epoch(this.firstSeen.get(digest) as Date),
      imageManifestMediaType: manifest.mediaType,
      ...(artifactType(manifest.body) ? { artifactMediaType: artifactType(manifest.body) } : {}),
    };
  }

  private async describeImages(input: Record<string, unknown>, caller: EcrCaller) {
    const name = String(input.repositoryName);
    this.repository(name, caller, input.registryId);
    const ids = input.imageIds as ImageId[] | undefined;
    const images = await this.images(name);
    if (ids) {
      const details = [];
      for (const id of ids) {
        const found = await this.resolve(name, id, images);
        if (!found) {
          throw new AwsServiceError(
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${name}' in the registry with id '${caller.accountId}'`,
          );
        }
        details.push(this.detail(name, found.digest, found.tags, found.manifest, caller));
      }
      return { imageDetails: details };
    }
    const all = [...images.entries()].map(([digest, v]) =>
      this.detail(name, digest, v.tags, v.manifest, caller),
    );
    const tagStatus = (input.filter as { tagStatus?: string } | undefined)?.tagStatus ?? 'ANY';
    const filtered = all.filter((d) =>
      tagStatus === 'UNTAGGED' ? !d.imageTags : tagStatus === 'TAGGED' ? !!d.imageTags : true,
    );
    const { page, nextToken } = paginate(filtered, input);
    return { imageDetails: page, ...(nextToken ? { nextToken } : {}) };
  }

  private async resolve(
    repository: string,
    id: ImageId,
    images: Map<string, { tags: string[]; manifest: ManifestRecord }>,
  ): Promise<{ digest: string; tags: string[]; manifest: ManifestRecord } | undefined> {
    if (!id.imageDigest && !id.imageTag)
      throw validation('Invalid parameter: imageId must have a digest or a tag.');
    if (id.imageDigest && !/^[a-z0-9]+:[a-f0-9]{32,}$/.test(id.imageDigest)) {
      throw new AwsServiceError(
        'InvalidParameterException',
        `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid digest format'`,
      );
    }
    if (id.imageTag) {
      const entry = [...images.entries()].find(([, v]) => v.tags.includes(id.imageTag as string));
      if (!entry) return undefined;
      if (id.imageDigest && entry[0] !== id.imageDigest) return undefined;
      return { digest: entry[0], ...entry[1] };
    }
    const digest = id.imageDigest as string;
    const tagged = images.get(digest);
    if (tagged) return { digest, ...tagged };
    const manifest = await this.registry.registry.getManifest(repository, digest);
    return manifest ? { digest, tags: [], manifest } : undefined;
  }

  private async batchGetImage(input: Record<string, unknown>, caller: EcrCaller) {
    const name = String(input.repositoryName);
    this.repository(name, caller, input.registryId);
    const ids = input.imageIds as ImageId[];
    const accept = (input.acceptedMediaTypes as string[] | undefined) ?? MANIFEST_MEDIA_TYPES;
    const images = await this.images(name);
    const found = [];
    const failures = [];
    for (const id of ids) {
      const image = await this.resolve(name, id, images);
      if (!image) {
        failures.push({
          imageId: id,
          failureCode: id.imageTag && id.imageDigest ? 'ImageTagDoesNotMatchDigest' : 'ImageNotFound',
          failureReason: 'Requested image not found',
        });
        continue;
      }
      const manifest = await this.registry.registry.getManifest(name, image.digest, accept);
      if (!manifest) {
        failures.push({
          imageId: id,
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found',
        });
        continue;
      }
      found.push({
        registryId: caller.accountId,
        repositoryName: name,
        imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
        imageManifest: manifest.body,
        imageManifestMediaType: manifest.mediaType,
      });
    }
    return { images: found, failures };
  }

  private async putImage(input: Record<string, unknown>, caller: EcrCaller) {
    const name = String(input.repositoryName);
    const repository = this.repository(name, caller, input.registryId);
    const body = String(input.imageManifest);
    let parsed: { mediaType?: string };
    try {
      parsed = JSON.parse(body) as { mediaType?: string };
    } catch {
      throw new AwsServiceError(
        'InvalidParameterException',
        "Invalid parameter at 'imageManifest': not valid JSON",
      );
    }
    const mediaType = (input.imageManifestMediaType as string | undefined) ?? parsed.mediaType;
    if (!mediaType) {
      throw new AwsServiceError(
        'InvalidParameterException',
        "Invalid parameter at 'imageManifestMediaType': the manifest has no mediaType; pass imageManifestMediaType.",
      );
    }
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (input.imageDigest !== undefined && input.imageDigest !== digest) {
      throw new AwsServiceError(
        'ImageDigestDoesNotMatchException',
        `The image digest '${String(input.imageDigest)}' does not match the digest of the manifest '${digest}'.`,
      );
    }
    const tag = input.imageTag === undefined ? undefined : String(input.imageTag);
    if (tag) {
      const current = await this.registry.registry.getManifest(name, tag);
      if (current?.digest === digest) {
        throw new AwsServiceError(
          'ImageAlreadyExistsException',
          `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${name}' in the registry with id '${caller.accountId}'`,
        );
      }
      if (current && repository.imageTagMutability === 'IMMUTABLE') {
        throw new AwsServiceError(
          'ImageTagAlreadyExistsException',
          `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`,
        );
      }
    }
    try {
      await this.registry.registry.putManifest(name, tag ?? digest, body, mediaType);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 400) {
        throw new AwsServiceError(
          'LayersNotFoundException',
          `The image manifest references layers or a config that are not in the repository '${name}'.`,
        );
      }
      throw error;
    }
    return {
      image: {
        registryId: caller.accountId,
        repositoryName: name,
        imageId: { imageDigest: digest, ...(tag ? { imageTag: tag } : {}) },
        imageManifest: body,
        imageManifestMediaType: mediaType,
      },
    };
  }
}

function artifactType(body: string): string | undefined {
  try {
    const manifest = JSON.parse(body) as { artifactType?: string; config?: { mediaType?: string } };
    return manifest.artifactType ?? manifest.config?.mediaType;
  } catch {
    return undefined;
  }
}

function paginate<T>(
  items: T[],
  input: Record<string, unknown>,
): { page: T[]; nextToken: string | undefined } {
  const max = typeof input.maxResults === 'number' ? input.maxResults : 100;
  let start = 0;
  if (input.nextToken !== undefined) {
    const n = Number(Buffer.from(String(input.nextToken), 'base64').toString('utf8'));
    if (!Number.isInteger(n) || n < 0)
      throw new AwsServiceError('InvalidParameterException', "Invalid parameter at 'nextToken'");
    start = n;
  }
  const page = items.slice(start, start + max);
  const next = start + page.length;
  return { page, nextToken: next < items.length ? Buffer.from(String(next)).toString('base64') : undefined };
}
