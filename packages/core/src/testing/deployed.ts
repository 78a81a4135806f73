// What `hosting deploy` leaves behind, for tests of the operations that read it (status, history, rollback,
// promote): in the core's and the CLI's unit tests (exported from `@shared-hosting/core/testing`).
import { formatProvenance, type Provenance } from '../domain/provenance.js';
import type { ImageInfo, ParameterStore } from '../ports/ports.js';

/** The fakes a deploy leaves its traces in (those of `createFakes()`). */
interface DeployFakes {
  registry: { addImage(repository: string, tag: string): ImageInfo };
  parameters: ParameterStore;
}

interface DeployedOptions {
  /** false: the image has expired from the repository (never pushed here). Default true. */
  push?: boolean;
  /** The provenance's fields other than the action, the version and the digest. */
  provenance?: Omit<Provenance, 'action' | 'version' | 'digest'>;
}

/**
 * hello-app's `version` deployed to `environment`: its image in the repository (unless `push` is false) and
 * the version parameter written with its provenance (by default commit `commit-of-<version>`, actor alice).
 * The image, when pushed.
 */
export async function deployed(
  fakes: DeployFakes,
  environment: string,
  version: string,
  o: DeployedOptions = {},
): Promise<ImageInfo | undefined> {
  const image = o.push === false ? undefined : fakes.registry.addImage('hello-app', version);
  const provenance = formatProvenance({
    action: 'deploy',
    version,
    commit: `commit-of-${version}`,
    actor: 'alice',
    ...o.provenance,
    digest: image?.digest ?? 'sha256:gone',
  });
  await fakes.parameters.put(`/shared-hosting/hello-app/${environment}/version`, version, provenance);
  return image;
}
