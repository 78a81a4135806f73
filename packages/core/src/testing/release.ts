// The fixture of the release tail's unit tests (the lock, its lease, the release, a trigger that fails for
// good): hello-app's staging with a version deployed, released again through deploy's execute() on the
// fakes. Test helpers, not exported from the package.
import { formatProvenance, type SourceInfo } from '../domain/provenance.js';
import { parseDeployInputs } from '../inputs/inputs.js';
import { plan } from '../plan/deploy.js';
import { RecordingReporter } from '../ports/events.js';
import { execute } from '../run/deploy.js';
import type { ExecuteOptions } from '../run/ports.js';
import { createFakes } from './fakes.js';
import { INPUT_NAMES } from './names.js';
import { fakePorts } from './ports.js';

/** The version parameter of hello-app's staging. */
export const PARAM = '/shared-hosting/hello-app/staging/version';

/** Where the deploy runs from: alice's clean commit, on her machine unless `overrides` say otherwise. */
export function sourceInfo(overrides: Partial<SourceInfo> = {}): SourceInfo {
  return {
    commit: 'b'.repeat(40),
    dirty: false,
    repositoryUrl: undefined,
    actor: 'alice',
    runUrl: undefined,
    ci: 'local',
    ...overrides,
  };
}

/** The plan of deploying v2 of hello-app to staging (infra repository acme/infra), plus `extra` inputs. */
function deployPlan(source: SourceInfo, extra: Record<string, string | boolean> = {}) {
  const inputs = {
    application: 'hello-app',
    environment: 'staging',
    infraRepository: 'acme/infra',
    version: 'v2',
    ...extra,
  };
  return plan(parseDeployInputs(inputs, INPUT_NAMES, '/src'), source);
}

interface DeployedOptions {
  /** The version deployed before (written as a deploy writes it); null: never deployed. Default v1. */
  previous?: string | null;
  /** Who deployed it. Default alice. */
  actor?: string;
  /** Images in the repository besides v1. */
  images?: readonly string[];
  source?: SourceInfo;
}

/**
 * The fakes with hello-app's image v1 (and `images`) in its repository and `previous` deployed to staging,
 * the reporter and ports over them, and `run`: deploy v2 (with `extra` inputs) through execute().
 */
export async function deployedApp(o: DeployedOptions = {}) {
  const { previous = 'v1', actor = 'alice', source = sourceInfo() } = o;
  const fakes = createFakes();
  fakes.registry.repositories.add('hello-app');
  const v1 = fakes.registry.addImage('hello-app', 'v1');
  for (const tag of o.images ?? []) fakes.registry.addImage('hello-app', tag);
  if (previous) {
    const provenance = formatProvenance({
      action: 'deploy',
      version: previous,
      commit: 'c1',
      digest: v1.digest,
      actor,
    });
    await fakes.parameters.put(PARAM, previous, provenance);
  }
  const reporter = new RecordingReporter();
  const ports = fakePorts(fakes, reporter);
  const run = (options: ExecuteOptions = {}, extra: Record<string, string | boolean> = {}) =>
    execute(deployPlan(source, extra), ports, options);
  return { ...fakes, reporter, ports, run, v1 };
}
