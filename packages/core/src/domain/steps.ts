/**
 * Every step id with its title, and the one list of steps per operation: what runs, in order, and what
 * `--dry-run` and the live step list show. Step ids appear in `--json` (`steps[].step`).
 */

/** The title of each step, as the live list, the logs and the summaries show it. */
export const STEP_TITLES = {
  preflight: 'Preflight checks',
  build: 'Build image',
  tag: 'Tag image',
  push: 'Push to ECR',
  lock: 'Wait for running deployment',
  'set-version': 'Set version in SSM',
  trigger: 'Trigger infra deployment',
  wait: 'Wait for infra deployment',
  verify: 'Verify deployed version',
  restore: 'Restore previous version',
  report: 'Report',
  read: 'Read version from SSM',
  resolve: 'Resolve image in ECR',
  render: 'Render task definition',
  release: 'Run release task',
  'update-service': 'Update ECS service',
  'ecs-wait': 'Wait for ECS deployment',
  'roll-back': 'Roll back the other services',
  record: 'Record deployed version',
  continue: 'Continue the paused deployment',
  abort: 'Roll the deployment back',
} as const satisfies Record<string, string>;

export type StepId = keyof typeof STEP_TITLES;

/** The release tail every operation that changes a deployment ends with, in order (run/release.ts). */
const RELEASE_STEPS = [
  'lock',
  'set-version',
  'trigger',
  'wait',
  'verify',
  'restore',
  'report',
] as const satisfies readonly StepId[];

/** deploy: preflight, build, tag, push (each skipped when the image exists), then the release tail. */
export const DEPLOY_STEPS = ['preflight', 'build', 'tag', 'push', ...RELEASE_STEPS] as const;
/** rollback: the preflight resolves and confirms the version, then the release tail. */
export const ROLLBACK_STEPS = ['preflight', ...RELEASE_STEPS] as const;
/** promote: no build and no push (shown as skipped), a re-tag only when needed, then the release tail. */
export const PROMOTE_STEPS = ['preflight', 'build', 'tag', 'push', ...RELEASE_STEPS] as const;
/** status and history: one read. */
export const READ_STEPS = ['read'] as const;
/**
 * rollout on ECS (the infra repository's side); a dry run stops after `render`. `release` runs only when
 * the environment has a release task, `roll-back` only when some services must go back after a failure.
 */
export const ROLLOUT_STEPS = [
  'read',
  'resolve',
  'render',
  'release',
  'update-service',
  'ecs-wait',
  'roll-back',
  'record',
] as const;
export type RolloutStepId = (typeof ROLLOUT_STEPS)[number];
/** The one step of `hosting continue` and of `hosting abort`. */
const RESUME_STEPS = ['continue', 'abort'] as const;
export type ResumeStepId = (typeof RESUME_STEPS)[number];

/**
 * Steps that appear only when they have something to do: a lock or a run to wait for, a `deployed`
 * label to check, a value to restore, a release task to run, services to roll back.
 */
export const CONDITIONAL_STEPS: ReadonlySet<StepId> = new Set<StepId>([
  'lock',
  'verify',
  'restore',
  'release',
  'roll-back',
]);
