/**
 * The image builders, in one place: their names, the order `--builder auto` tries them in (this list's order),
 * the CLI's and the Action's choices and the input check all derive from `BUILDERS`. A leaf module (no
 * imports), so every layer may read it; `select.ts` turns an entry into a working builder by its `family`.
 *
 * To add a builder of the podman/buildah family (same flags, `--authfile`, `--digestfile`), add an entry
 * here; a builder of a new family also needs its class (see `builders.ts`) and a case in `select.ts`.
 */
export const BUILDERS = [
  {
    name: 'docker',
    family: 'docker',
    summary: 'Docker: BuildKit through buildx (or a client older than 23), else the classic builder',
    needs: 'a running Docker daemon (docker info answers)',
    install:
      'Install Docker Engine (Debian: sudo apt-get install -y docker.io; with the buildx plugin: docker-buildx) and start its daemon',
  },
  {
    name: 'podman',
    family: 'containers',
    summary: 'Podman: daemonless, rootful or rootless',
    needs: 'podman on PATH',
    install: 'Install podman (Debian: sudo apt-get install -y podman)',
  },
  {
    name: 'buildah',
    family: 'containers',
    summary: 'Buildah: daemonless, no container runtime needed (chroot isolation)',
    needs: 'buildah on PATH',
    install: 'Install buildah (Debian: sudo apt-get install -y buildah)',
  },
] as const;

export type BuilderEntry = (typeof BUILDERS)[number];
/** A builder's name: `docker`, `podman` or `buildah`. */
export type BuilderName = BuilderEntry['name'];
/** What `--builder` / the `builder` input / `HOSTING_BUILDER` accept. */
export type BuilderChoice = 'auto' | BuilderName;
/** Names of the podman/buildah family (same command line, one class). */
export type ContainersBuilderName = Extract<BuilderEntry, { family: 'containers' }>['name'];

/** The builder names, in the order `auto` tries them. */
export const BUILDER_NAMES: readonly BuilderName[] = BUILDERS.map((b) => b.name);
/** Every accepted value of the builder input, `auto` first (the default). */
export const BUILDER_CHOICES: readonly BuilderChoice[] = ['auto', ...BUILDER_NAMES];
export const DEFAULT_BUILDER: BuilderChoice = 'auto';

/** The input check: whether a raw value names a builder choice (exact, lower case). */
export function isBuilderChoice(value: string): value is BuilderChoice {
  return (BUILDER_CHOICES as readonly string[]).includes(value);
}
