/** Routes about the infra repository: the repository, its workflow file's contents, branches and refs. */
import { fail, type Reply, sha } from '../reply.js';
import { onRepo, queryParam, type RouteContext, type RouteGroup } from './context.js';

function getContent(c: RouteContext): Reply {
  onRepo(c);
  const { s } = c;
  const p = c.seg.slice(5).join('/');
  const ref = queryParam(c, 'ref');
  if (ref !== undefined && !s.branches.has(ref) && !s.tags.has(ref))
    fail(404, `No commit found for the ref ${ref}`);
  if (p !== s.workflowPath) fail(404, 'Not Found');
  const content = Buffer.from(s.workflowYaml)
    .toString('base64')
    .replace(/(.{60})/g, '$1\n');
  const blob = sha(`blob:${s.workflowYaml}`);
  const u = `${s.repoApi}/contents/${s.workflowPath}?ref=${ref ?? 'main'}`;
  return {
    status: 200,
    body: {
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(s.workflowYaml),
      name: s.workflowFile,
      path: s.workflowPath,
      content,
      sha: blob,
      url: u,
      git_url: `${s.repoApi}/git/blobs/${blob}`,
      html_url: `${s.repoWeb}/blob/${ref ?? 'main'}/${s.workflowPath}`,
      download_url: `${s.urls.origin}/_raw/${s.owner}/${s.repo}/${ref ?? 'main'}/${s.workflowPath}`,
      _links: {
        self: u,
        git: `${s.repoApi}/git/blobs/${blob}`,
        html: `${s.repoWeb}/blob/main/${s.workflowPath}`,
      },
    },
  };
}

function getRef(c: RouteContext): Reply {
  onRepo(c);
  const { s } = c;
  const ref = c.seg.slice(6).join('/');
  const m = /^(heads|tags)\/(.+)$/.exec(ref);
  const refs = m?.[1] === 'heads' ? s.branches : m?.[1] === 'tags' ? s.tags : undefined;
  const head = refs?.get(m?.[2] ?? '');
  if (!head) fail(404, 'Not Found');
  return {
    status: 200,
    body: {
      ref: `refs/${ref}`,
      node_id: Buffer.from(`03:Ref${ref}`).toString('base64'),
      url: `${s.repoApi}/git/refs/${ref}`,
      object: { type: 'commit', sha: head, url: `${s.repoApi}/git/commits/${head}` },
    },
  };
}

export const repositoryRoutes: RouteGroup = {
  'repos/get': (c) => {
    onRepo(c);
    const push = c.who.access === 'write';
    const permissions = { admin: false, maintain: false, push, triage: true, pull: true };
    return { status: 200, body: { ...c.objects.fullRepo, permissions } };
  },
  'repos/get-content': getContent,
  'repos/get-branch': (c) => {
    onRepo(c);
    const name = c.seg.slice(5).join('/');
    const head = c.s.branches.get(name);
    if (!head) fail(404, 'Branch not found');
    const b = c.objects.rewriteUrls(
      c.objects.spec.example('branch-get') as Record<string, unknown> & { commit: Record<string, unknown> },
    );
    return { status: 200, body: { ...b, name, commit: { ...b.commit, sha: head } } };
  },
  'git/get-ref': getRef,
};
