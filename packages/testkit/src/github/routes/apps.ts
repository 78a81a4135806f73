/** Routes of GitHub Apps: the installation on a repository, minting an installation token, revoking it. */
import type { AppRecord, Installation } from '../apps.js';
import { fail, iso, type Reply } from '../reply.js';
import type { RouteContext, RouteGroup } from './context.js';

function installationJson(c: RouteContext, app: AppRecord, inst: Installation): Record<string, unknown> {
  const { api, web } = c.s.urls;
  const example = c.objects.rewriteUrls(c.objects.spec.example('installation') as Record<string, unknown>);
  return {
    ...example,
    id: inst.id,
    account: { ...c.objects.user(inst.account), type: 'Organization' },
    repository_selection: inst.repositories === 'all' ? 'all' : 'selected',
    access_tokens_url: `${api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${web}/organizations/${inst.account}/settings/installations/${inst.id}`,
    app_id: app.id,
    client_id: app.clientId,
    app_slug: app.slug,
    target_id: 1,
    target_type: 'Organization',
    permissions: inst.permissions,
    events: [],
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  };
}

/** Installed on the account that owns the repository (whether or not the repository is selected). */
function repoInstallation(c: RouteContext): Reply {
  const app = c.who.app as AppRecord;
  const [, , o = '', r = ''] = c.seg;
  const inst = app.installation;
  const known = o.toLowerCase() === c.s.owner.toLowerCase() && r.toLowerCase() === c.s.repo.toLowerCase();
  if (!known || !inst || inst.account.toLowerCase() !== o.toLowerCase()) fail(404, 'Not Found');
  return { status: 200, body: installationJson(c, app, inst) };
}

function createToken(c: RouteContext): Reply {
  const app = c.who.app as AppRecord;
  if (!app.installation || String(app.installation.id) !== c.seg[3]) fail(404, 'Not Found');
  const body = (c.body ?? {}) as { repositories?: string[]; permissions?: Record<string, string> };
  const t = c.s.apps.mint(app, body);
  return {
    status: 201,
    body: {
      token: t.token,
      expires_at: iso(t.expiresAt),
      permissions: t.permissions,
      repository_selection:
        app.installation.repositories === 'all' && !body.repositories ? 'all' : 'selected',
    },
  };
}

function revokeToken(c: RouteContext): Reply {
  const t = c.who.installation;
  if (!t) fail(403, 'Resource not accessible by personal access token');
  t.revokedAt = c.s.now();
  return { status: 204 };
}

export const appRoutes: RouteGroup = {
  'apps/get-repo-installation': repoInstallation,
  'apps/create-installation-access-token': createToken,
  'apps/revoke-installation-access-token': revokeToken,
};
