/** Every route of the test server, by operationId: one file per group. */
import { accountRoutes } from './account.js';
import { appRoutes } from './apps.js';
import type { Route } from './context.js';
import { repositoryRoutes } from './repository.js';
import { runRoutes } from './runs.js';
import { workflowRoutes } from './workflows.js';

export type { Route } from './context.js';

export const ROUTES: Readonly<Record<string, Route>> = {
  ...accountRoutes,
  ...repositoryRoutes,
  ...workflowRoutes,
  ...runRoutes,
  ...appRoutes,
};
