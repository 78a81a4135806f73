import { MANIFEST_MEDIA_TYPES } from './registry-api.js';

/** Config label that makes an image's containers exit with code 1 right after they start (see README). */
export const CRASH_LABEL = 'hosting.test/crash';

/** Config label whose value is the exit code of a standalone (RunTask) task's containers, e.g. `3`. */
export const EXIT_CODE_LABEL = 'hosting.test/exit-code';

/** Config label: how many ECS seconds a standalone task runs before it exits (compressed by the clock). */
export const RUN_SECONDS_LABEL = 'hosting.test/run-seconds';

/** Where an ECS task pulls images from: the sandbox registry and its credentials (as the ECR peer issues them). */
export interface PullSource {
  /** Registry host (`127.0.0.1:PORT`); images on other hosts are outside the sandbox and are not pulled. */
  host: string;
  username: string;
  password: string;
}

/** What one pull of one container image found. */
export interface ImagePull {
  image: string;
  /** False for images on a host other than the sandbox registry (nothing fetched, assumed available). */
  fetched: boolean;
  ok: boolean;
  /** Manifest digest (of the index when the reference names one). */
  digest?: string | undefined;
  labels: Record<string, string>;
  /** ECS's wording, `CannotPullContainerError: ...`, when the pull failed. */
  error?: string | undefined;
  at: number;
}

interface Reference {
  host: string;
  repository: string;
  reference: string;
}

/** Split `host:port/repo[:tag|@sha256:...]` (tag `latest` when neither is given). */
export function parseImageReference(image: string): Reference | undefined {
  const slash = image.indexOf('/');
  if (slash <= 0) return undefined;
  const host = image.slice(0, slash);
  let rest = image.slice(slash + 1);
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  return rest ? { host, repository: rest, reference } : undefined;
}

const OCI_INDEX = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/**
 * Pull an image the way a container agent does: the manifest (through an index to the linux/amd64 entry), the
 * config blob and every layer blob, over the registry's HTTP API with basic auth. Never throws: a failure is
 * an `ImagePull` with ECS's `CannotPullContainerError` wording.
 */
export async function pullImage(image: string, source: PullSource | undefined): Promise<ImagePull> {
  const at = Date.now();
  const ref = parseImageReference(image);
  if (!ref || !source || ref.host !== source.host) {
    return { image, fetched: false, ok: true, labels: {}, at };
  }
  const authorization = `Basic ${Buffer.from(`${source.username}:${source.password}`).toString('base64')}`;
  const get = (path: string, accept?: readonly string[]) =>
    fetch(`http://${ref.host}/v2/${ref.repository}/${path}`, {
      headers: { authorization, ...(accept ? { accept: accept.join(', ') } : {}) },
      signal: AbortSignal.timeout(10_000),
    });
  const failed = (what: string): ImagePull => ({
    image,
    fetched: true,
    ok: false,
    labels: {},
    error: `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: ${what}`,
    at,
  });
  try {
    let response = await get(`manifests/${ref.reference}`, MANIFEST_MEDIA_TYPES);
    if (response.status === 404) return failed(`${image}: not found`);
    if (!response.ok) return failed(`unexpected status from GET request: ${response.status}`);
    const digest = response.headers.get('docker-content-digest') ?? undefined;
    let manifest = (await response.json()) as Manifest;
    if (OCI_INDEX.has(manifest.mediaType ?? response.headers.get('content-type') ?? '')) {
      const entry =
        manifest.manifests?.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
        manifest.manifests?.[0];
      if (!entry) return failed('no matching manifest for linux/amd64 in the manifest list entries');
      response = await get(`manifests/${entry.digest}`, MANIFEST_MEDIA_TYPES);
      if (!response.ok) return failed(`${image}: not found`);
      manifest = (await response.json()) as Manifest;
    }
    if (!manifest.config) return failed('the manifest has no config');
    const config = await get(`blobs/${manifest.config.digest}`);
    if (!config.ok) return failed(`failed to fetch config blob ${manifest.config.digest}: ${config.status}`);
    const parsed = (await config.json()) as { config?: { Labels?: Record<string, string> | null } };
    for (const layer of manifest.layers ?? []) {
      const blob = await get(`blobs/${layer.digest}`);
      await blob.arrayBuffer();
      if (!blob.ok) return failed(`failed to fetch layer ${layer.digest}: ${blob.status}`);
    }
    return { image, fetched: true, ok: true, digest, labels: parsed.config?.Labels ?? {}, at };
  } catch (error) {
    return failed(`failed to do request: ${(error as Error).message}`);
  }
}

interface Manifest {
  mediaType?: string;
  config?: { digest: string };
  layers?: { digest: string }[];
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
}
