/** Names and limits several layers share: one place each. */

/** The SSM label the infra side moves to the parameter version it rolled out (design.md). */
export const DEPLOYED_LABEL = 'deployed';

/** How far `hosting rollout` waits: the deployment's end, or production traffic on the new revision. */
export const WAIT_UNTIL = ['complete', 'traffic-shifted'] as const;
export type WaitUntil = (typeof WAIT_UNTIL)[number];

/**
 * The label beside `deployed` that says at which stage the rollout that moved it returned: `complete`
 * (the service deployment succeeded) or `traffic-shifted` (production traffic moved, the bake had begun).
 * Both move with their version like any SSM label; where a version carries both, `complete` came later.
 */
export const STAGE_LABELS: Record<WaitUntil, string> = {
  complete: 'complete',
  'traffic-shifted': 'traffic-shifted',
};

/** The stage a version's labels record: undefined for versions labelled before stages were recorded. */
export function deployedStage(labels: readonly string[] | undefined): WaitUntil | undefined {
  if (!labels?.includes(DEPLOYED_LABEL)) return undefined;
  if (labels.includes(STAGE_LABELS.complete)) return 'complete';
  if (labels.includes(STAGE_LABELS['traffic-shifted'])) return 'traffic-shifted';
  return undefined;
}

/** SSM keeps the last 100 versions of a parameter: the most `history` can show or `rollback` can reach. */
export const HISTORY_MAX = 100;

/** The cache repository beside an ECR repository: `hello-app` → `hello-app/build-cache`. */
export function buildCacheRepository(repository: string): string {
  return `${repository}/build-cache`;
}

/** The App spec's release task timeout: its default and bounds. */
export const RELEASE_TIMEOUT = { defaultText: '10m', minMs: 10_000, maxMs: 24 * 3600_000 } as const;
