/** Routes about the caller: who it is, and its rate limit. */
import { forbidden } from '../auth.js';
import type { RouteGroup } from './context.js';

export const accountRoutes: RouteGroup = {
  'users/get-authenticated': ({ who, objects }) => {
    if (who.user === false) forbidden({ ...who, integration: true });
    const priv = objects.rewriteUrls(
      objects.spec.example('private-user-response-with-public-and-private-profile-information') as Record<
        string,
        unknown
      >,
    );
    const u = objects.user(who.login);
    return { status: 200, body: { ...priv, ...u, name: who.login, user_view_type: 'private' } };
  },
  'rate-limit/get': ({ s, version }) => {
    const core = s.rate.overview();
    // 2026-03-10 removed the top-level `rate` (remove_rate_limit_rate).
    const rate = version === '2022-11-28' ? { rate: core } : {};
    return { status: 200, body: { resources: { core, search: core }, ...rate } };
  },
};
