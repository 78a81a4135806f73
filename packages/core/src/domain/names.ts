/** Names and limits several layers share: one place each. */

/** The SSM label the infra side moves to the parameter version it rolled out (design.md). */
export const DEPLOYED_LABEL = 'deployed';

/** SSM keeps the last 100 versions of a parameter: the most `history` can show or `rollback` can reach. */
export const HISTORY_MAX = 100;

/** The cache repository beside an ECR repository: `hello-app` → `hello-app/build-cache`. */
export function buildCacheRepository(repository: string): string {
  return `${repository}/build-cache`;
}
