import { buildCacheRepository } from '../domain/names.js';
import type { SourceInfo } from '../domain/provenance.js';
import { DEPLOY_STEPS, type StepId } from '../domain/steps.js';
import type { DeployOptions } from '../inputs/inputs.js';
import type { BuilderName, WorkflowTarget } from '../ports/ports.js';
import type { WaitPlan } from './release.js';

/** Everything a deployment will do, with every name resolved. Pure data: printing it is `--dry-run`. */
export interface DeployPlan {
  kind: 'deploy';
  /** The steps the runner executes, in order (a dry run stops after the preflight). */
  steps: readonly StepId[];
  application: string;
  environment: string;
  /** The image tag and parameter value. */
  version: string;
  source: SourceInfo;
  image: {
    /** ECR repository name. */
    repository: string;
    tag: string;
  };
  build: {
    builder: BuilderName | 'auto';
    context: string;
    dockerfile: string;
    labels: Record<string, string>;
    buildArgs: Record<string, string>;
    target: string | undefined;
    platform: string | undefined;
    /** The registry layer cache: its ECR repository (`<repository>/build-cache`); undefined with `cache: false`. */
    cache: { repository: string } | undefined;
  };
  parameter: {
    name: string;
    /** The value to write: the version. */
    value: string;
  };
  workflow: WorkflowTarget;
  wait: WaitPlan;
}

/** Pure: options + source → plan. */
export function plan(options: DeployOptions, source: SourceInfo): DeployPlan {
  const version = options.version ?? source.commit;
  const labels: Record<string, string> = {
    'org.opencontainers.image.revision': source.commit,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.title': options.application,
  };
  if (source.repositoryUrl) labels['org.opencontainers.image.source'] = source.repositoryUrl;
  return {
    kind: 'deploy',
    steps: DEPLOY_STEPS,
    application: options.application,
    environment: options.environment,
    version,
    source,
    image: { repository: options.repository, tag: version },
    build: {
      builder: options.builder,
      context: options.context,
      dockerfile: options.dockerfile,
      labels,
      buildArgs: options.buildArgs,
      target: options.target,
      platform: options.platform,
      cache: options.cache ? { repository: buildCacheRepository(options.repository) } : undefined,
    },
    parameter: { name: options.parameter, value: version },
    workflow: {
      owner: options.infra.owner,
      repo: options.infra.repo,
      workflow: options.infra.workflow,
      ref: options.infra.ref,
      inputs: { application: options.application, environment: options.environment },
    },
    wait: {
      enabled: options.wait,
      timeoutMs: options.timeoutMs,
      cancelOnTimeout: options.cancelOnTimeout,
      cancelOnInterrupt: options.cancelOnInterrupt,
    },
  };
}

/** The plan as lines of text, for --dry-run and logs. */
export function describePlan(p: DeployPlan): string[] {
  const wf = p.workflow;
  return [
    `steps         ${p.steps.join(', ')}`,
    `application   ${p.application}`,
    `environment   ${p.environment}`,
    `version       ${p.version}${p.source.commit !== p.version ? ` (commit ${p.source.commit})` : ''}`,
    `image         ${p.image.repository}:${p.image.tag}`,
    `build         ${p.build.dockerfile} (context ${p.build.context}, builder ${p.build.builder})`,
    `build cache   ${p.build.cache ? p.build.cache.repository : 'off'}`,
    `parameter     ${p.parameter.name} = ${p.parameter.value}`,
    `workflow      ${wf.owner}/${wf.repo} ${wf.workflow}@${wf.ref} inputs ${JSON.stringify(wf.inputs)}`,
    `wait          ${p.wait.enabled ? `yes, up to ${Math.round(p.wait.timeoutMs / 1000)}s` : 'no'}`,
  ];
}
