import { createHash } from 'node:crypto';

/** The manifest media types we ask for, like ECR does by default. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

export interface ManifestRecord {
  digest: string;
  mediaType: string;
  body: string;
}

/** A small client of the OCI distribution API of the real registry, used by the ECR peer. */
export class RegistryApi {
  constructor(
    readonly url: string,
    private readonly authorization: string,
  ) {}

  private async call(
    method: string,
    path: string,
    init: { accept?: readonly string[]; body?: string; contentType?: string } = {},
  ) {
    const headers: Record<string, string> = { authorization: this.authorization };
    if (init.accept) headers.accept = init.accept.join(', ');
    if (init.contentType) headers['content-type'] = init.contentType;
    return fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  }

  /** Tags of a repository; empty when nothing was pushed yet. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    while (path) {
      const response = await this.call('GET', path);
      if (response.status === 404) {
        await response.arrayBuffer();
        return tags;
      }
      if (!response.ok) throw new Error(`registry: GET ${path} answered ${response.status}`);
      const body = (await response.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const link = response.headers.get('link');
      const next = link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
      path = next ?? undefined;
    }
    return tags.sort();
  }

  /** The manifest for a tag or digest; undefined when it does not exist. */
  async getManifest(
    repository: string,
    reference: string,
    accept: readonly string[] = MANIFEST_MEDIA_TYPES,
  ): Promise<ManifestRecord | undefined> {
    const response = await this.call('GET', `/v2/${repository}/manifests/${reference}`, { accept });
    if (response.status === 404) {
      await response.arrayBuffer();
      return undefined;
    }
    if (!response.ok) {
      throw new Error(`registry: GET manifest ${repository}:${reference} answered ${response.status}`);
    }
    const body = await response.text();
    const digest =
      response.headers.get('docker-content-digest') ??
      `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
    return { digest, mediaType, body };
  }

  /** PUT a manifest under a tag (or digest); returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, body: string, mediaType: string): Promise<string> {
    const response = await this.call('PUT', `/v2/${repository}/manifests/${reference}`, {
      body,
      contentType: mediaType,
    });
    const text = await response.text();
    if (!response.ok) {
      const error = new Error(
        `registry: PUT manifest ${repository}:${reference} answered ${response.status}: ${text}`,
      );
      (error as Error & { status?: number; body?: string }).status = response.status;
      (error as Error & { body?: string }).body = text;
      throw error;
    }
    return (
      response.headers.get('docker-content-digest') ??
      `sha256:${createHash('sha256').update(body).digest('hex')}`
    );
  }
}

/**
 * Push a tiny OCI image (one layer with `content`, a config with the given labels) straight through the
 * registry API, without a builder. Returns the manifest digest. For tests that need an image to exist.
 */
export async function pushTestImage(
  registry: { url: string; authorization: string },
  repository: string,
  tag: string,
  options: { content?: string; labels?: Record<string, string> } = {},
): Promise<string> {
  const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const upload = async (data: Buffer) => {
    const digest = sha(data);
    const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: registry.authorization },
    });
    await start.arrayBuffer();
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw new Error(`registry: blob upload answered ${start.status}`);
    const target = new URL(location, registry.url);
    target.searchParams.set('digest', digest);
    const put = await fetch(target, {
      method: 'PUT',
      headers: { authorization: registry.authorization, 'content-type': 'application/octet-stream' },
      body: data,
    });
    await put.arrayBuffer();
    if (put.status !== 201) throw new Error(`registry: blob PUT answered ${put.status}`);
    return { digest, size: data.length };
  };
  const layer = await upload(Buffer.from(options.content ?? `layer of ${repository}:${tag}`));
  const config = await upload(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Labels: options.labels ?? {} },
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  });
  return new RegistryApi(registry.url, registry.authorization).putManifest(
    repository,
    tag,
    manifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
}

/** Size of an image as ECR reports it: config + layers (or the sum over an index's manifests). */
export function manifestSize(body: string): number {
  try {
    const manifest = JSON.parse(body) as {
      config?: { size?: number };
      layers?: { size?: number }[];
      manifests?: { size?: number }[];
    };
    const sizes = [
      manifest.config?.size ?? 0,
      ...(manifest.layers ?? []).map((l) => l.size ?? 0),
      ...(manifest.manifests ?? []).map((m) => m.size ?? 0),
    ];
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}
