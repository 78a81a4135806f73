import { gunzipSync } from 'node:zlib';
import type { LocalRegistry } from './registry.js';

const MANIFESTS = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function get(registry: LocalRegistry, pathname: string, accept?: string): Promise<Response> {
  const headers: Record<string, string> = { authorization: registry.authorization };
  if (accept) headers.accept = accept;
  const response = await fetch(`${registry.url}/v2/${pathname}`, { headers });
  if (!response.ok) throw new Error(`GET /v2/${pathname}: HTTP ${response.status}`);
  return response;
}

/** The digest the registry gives `<repository>:<reference>` (its Docker-Content-Digest). */
export async function manifestDigest(
  registry: LocalRegistry,
  repository: string,
  reference: string,
): Promise<string> {
  const response = await get(registry, `${repository}/manifests/${reference}`, MANIFESTS);
  await response.arrayBuffer();
  return response.headers.get('docker-content-digest') ?? '';
}

/** An image as the registry holds it: its config's labels, its layer digests and each layer's small files. */
export interface RegistryImage {
  labels: Record<string, string>;
  layers: string[];
  files: Record<string, string>[];
}

export async function imageOf(
  registry: LocalRegistry,
  repository: string,
  digest: string,
): Promise<RegistryImage> {
  const manifest = (await (await get(registry, `${repository}/manifests/${digest}`, MANIFESTS)).json()) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  const config = (await (await get(registry, `${repository}/blobs/${manifest.config.digest}`)).json()) as {
    config?: { Labels?: Record<string, string> | null };
  };
  const files = await Promise.all(
    manifest.layers.map(async (layer) => {
      const blob = Buffer.from(
        await (await get(registry, `${repository}/blobs/${layer.digest}`)).arrayBuffer(),
      );
      return untar(blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob);
    }),
  );
  return { labels: config.config?.Labels ?? {}, layers: manifest.layers.map((l) => l.digest), files };
}

/** Regular files under 4 KiB of a tar archive (ustar headers, 512-byte blocks), by name without a leading ./ */
export function untar(tar: Buffer): Record<string, string> {
  const files: Record<string, string> = {};
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = tar.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = Number.parseInt(
      tar
        .toString('utf8', at + 124, at + 136)
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8,
    );
    const type = tar.toString('utf8', at + 156, at + 157);
    if ((type === '0' || type === '\0') && size < 4096) {
      files[name.replace(/^\.?\//, '')] = tar.toString('utf8', at + 512, at + 512 + size);
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
