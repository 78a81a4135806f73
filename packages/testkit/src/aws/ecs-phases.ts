import type { DeploymentConfiguration, HookStage, LifecycleStage } from './ecs-records.js';

/**
 * One phase of a service deployment. A phase enters its lifecycle stage, applies its traffic shift, waits for
 * the target's tasks (`scaleUp`), runs the lifecycle hooks registered for its hook stage, waits `waitMinutes`
 * on the compressed clock, and (`cleanUp`) lets the scheduler drain the source revision.
 */
export interface Phase {
  stage: LifecycleStage;
  hook?: HookStage | undefined;
  /** Percent of production / test traffic on the target revision from this phase on. */
  production?: number | undefined;
  test?: number | undefined;
  scaleUp?: boolean | undefined;
  waitMinutes?: number | undefined;
  cleanUp?: boolean | undefined;
}

/** A rolling update: ECS replaces tasks (the scheduler's circuit breaker and drain), no traffic stages. */
const ROLLING: Phase[] = [
  { stage: 'RECONCILE_SERVICE' },
  { stage: 'SCALE_UP', scaleUp: true },
  { stage: 'CLEAN_UP', cleanUp: true },
];

/** The phases of a deployment with this configuration, in order. */
export function phasesOf(configuration: DeploymentConfiguration): Phase[] {
  const strategy = configuration.strategy ?? 'ROLLING';
  if (strategy === 'ROLLING') return ROLLING;
  return [
    { stage: 'RECONCILE_SERVICE', hook: 'RECONCILE_SERVICE' },
    { stage: 'PRE_SCALE_UP', hook: 'PRE_SCALE_UP' },
    { stage: 'SCALE_UP', scaleUp: true },
    { stage: 'POST_SCALE_UP', hook: 'POST_SCALE_UP' },
    { stage: 'TEST_TRAFFIC_SHIFT', hook: 'TEST_TRAFFIC_SHIFT', test: 100 },
    { stage: 'POST_TEST_TRAFFIC_SHIFT', hook: 'POST_TEST_TRAFFIC_SHIFT' },
    { stage: 'PRODUCTION_TRAFFIC_SHIFT', hook: 'PRE_PRODUCTION_TRAFFIC_SHIFT' },
    ...productionShifts(configuration),
    { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', hook: 'POST_PRODUCTION_TRAFFIC_SHIFT' },
    { stage: 'BAKE_TIME', waitMinutes: configuration.bakeTimeInMinutes ?? 0 },
    { stage: 'CLEAN_UP', cleanUp: true },
  ];
}

/** The ranges ECS's API reference gives (the model does not carry them): InvalidParameterException. */
export function checkDeploymentConfiguration(configuration: DeploymentConfiguration): string | undefined {
  const ranges: [string, number | undefined, number, number][] = [
    ['bakeTimeInMinutes', configuration.bakeTimeInMinutes, 0, 1440],
    ['linearConfiguration.stepPercent', configuration.linearConfiguration?.stepPercent, 3, 100],
    [
      'linearConfiguration.stepBakeTimeInMinutes',
      configuration.linearConfiguration?.stepBakeTimeInMinutes,
      0,
      1440,
    ],
    ['canaryConfiguration.canaryPercent', configuration.canaryConfiguration?.canaryPercent, 0.1, 100],
    [
      'canaryConfiguration.canaryBakeTimeInMinutes',
      configuration.canaryConfiguration?.canaryBakeTimeInMinutes,
      0,
      1440,
    ],
  ];
  for (const [name, value, min, max] of ranges) {
    if (value !== undefined && (value < min || value > max))
      return `deploymentConfiguration.${name} must be between ${min} and ${max} (got ${value}).`;
  }
  return undefined;
}

/**
 * The production traffic steps: blue/green all at once; canary `canaryPercent`, a wait of
 * `canaryBakeTimeInMinutes`, then the rest; linear `stepPercent` at a time with `stepBakeTimeInMinutes`
 * between steps. Each step runs the PRODUCTION_TRAFFIC_SHIFT hooks (a pause hook pauses every step).
 */
function productionShifts(configuration: DeploymentConfiguration): Phase[] {
  const step = (production: number, waitMinutes?: number): Phase => ({
    stage: 'PRODUCTION_TRAFFIC_SHIFT',
    hook: 'PRODUCTION_TRAFFIC_SHIFT',
    production,
    ...(waitMinutes ? { waitMinutes } : {}),
  });
  if (configuration.strategy === 'CANARY') {
    const canary = configuration.canaryConfiguration ?? {};
    return [step(canary.canaryPercent ?? 5, canary.canaryBakeTimeInMinutes ?? 10), step(100)];
  }
  if (configuration.strategy === 'LINEAR') {
    const linear = configuration.linearConfiguration ?? {};
    const percent = linear.stepPercent ?? 10;
    const steps: Phase[] = [];
    for (let at = percent; at < 100; at = Math.round((at + percent) * 10) / 10)
      steps.push(step(at, linear.stepBakeTimeInMinutes ?? 6));
    return [...steps, step(100)];
  }
  return [step(100)];
}
