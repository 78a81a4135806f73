/**
 * The AWS test server with ECS, as `hosting rollout` (the infra workflow's side) meets it: an ECR repository with
 * images v1, v2 and a crashing v3, the parameters port to seed versions with, and an infra repository's
 * checkout (apps/ for the App specs) that is the bin's working directory and HOME.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRolloutPorts, type ParameterStore, silentReporter } from '@shared-hosting/core';
import { type AwsPeers, CRASH_LABEL, pushTestImage, startAwsPeers } from '@shared-hosting/testkit';
import { CLI_ADAPTER_NAMES } from '../../src/runtime/names.js';
import { type BinOptions, type Exit, runBin } from './bin.js';
import type { Env } from './peers.js';

export interface EcsPeers {
  aws: AwsPeers;
  parameters: ParameterStore;
  /** The digests of v1, v2 and v3 (whose tasks crash). */
  digests: Record<string, string>;
  /** The infra repository's checkout: App specs in apps/. */
  infra: string;
  /** `hosting <args>` from the infra checkout (HOME too), against the AWS test server; `extra` env over it. */
  run(args: string[], options?: { extra?: Env; onOutput?: BinOptions['onOutput'] }): Promise<Exit>;
  stop(): Promise<void>;
}

/**
 * `repository`'s images v1 and v2, and v3 whose `crash` containers exit (CRASH_LABEL: 'true' for every
 * container, or a container's name); ECS transitions every 20 ms, `clockFactor` ECS seconds per real one.
 */
export async function startEcsPeers(
  repository: string,
  options: { crash?: string; clockFactor?: number } = {},
): Promise<EcsPeers> {
  const ecs = options.clockFactor ? { clockFactor: options.clockFactor } : undefined;
  const aws = await startAwsPeers({ ecsTickMs: 20, ...(ecs ? { ecs } : {}) });
  aws.createRepository(repository);
  const digests: Record<string, string> = {};
  for (const tag of ['v1', 'v2']) digests[tag] = await pushTestImage(aws.registry, repository, tag);
  digests.v3 = await pushTestImage(aws.registry, repository, 'v3', {
    labels: { [CRASH_LABEL]: options.crash ?? 'true' },
  });
  const ports = await createRolloutPorts({
    env: aws.env,
    reporter: silentReporter,
    names: CLI_ADAPTER_NAMES,
  });
  const infra = mkdtempSync(path.join(tmpdir(), 'hosting-infra-'));
  mkdirSync(path.join(infra, 'apps'));
  return {
    aws,
    parameters: ports.parameters,
    digests,
    infra,
    run: (args, { extra = {}, onOutput } = {}) =>
      runBin(args, {
        cwd: infra,
        env: { PATH: process.env.PATH ?? '', HOME: infra, ...aws.env, ...extra },
        ...(onOutput ? { onOutput } : {}),
      }),
    stop: async () => {
      await aws.stop();
      rmSync(infra, { recursive: true, force: true });
    },
  };
}

/** apps/<app>.yaml in the infra checkout: `repository`'s container `web` in cluster-<env> for each of `envs`. */
export function writeAppSpec(ecs: EcsPeers, app: string, envs: readonly string[]): void {
  const spec = [`repository: ${app}`, 'environments:'];
  for (const env of envs) spec.push(`  ${env}:`, `    cluster: cluster-${env}`, '    container: web');
  writeFileSync(path.join(ecs.infra, `apps/${app}.yaml`), `${spec.join('\n')}\n`);
}

/** `parameter` as a deploy leaves it: v1 written and rolled out (labelled `deployed`), then `version` written. */
export async function seedVersion(
  parameters: ParameterStore,
  parameter: string,
  version: string,
): Promise<void> {
  await parameters.put(parameter, 'v1', 'v1');
  await parameters.label(parameter, 1, ['deployed']);
  await parameters.put(parameter, version, version);
}
