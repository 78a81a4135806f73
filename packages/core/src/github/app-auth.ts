/**
 * GitHub App authentication (`@octokit/auth-app`): the App's JWT finds its installation on the infra
 * repository, then installation tokens are minted for that repository only, with only the permissions the
 * operation needs, re-minted before they expire (a wait may outlive several), and all revoked at the end.
 * Failures are named before any side effect: not installed, a repository or permission missing, a wrong id.
 * The private key never appears in a message: errors carry our words, never the library's.
 */
import { createPrivateKey } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { request as octokitRequest } from '@octokit/request';
import { HostingError, InputError, PreconditionError } from '../errors/errors.js';
import type { AdapterNames } from '../inputs/names.js';
import type { Clock } from '../ports/ports.js';
import { versionedRequest } from './api-version.js';
import type { GitHubClient } from './client.js';
import { httpFailure, safeCause } from './errors.js';

/** The App's id (numeric) or client id, and its PEM private key. Both secrets stay out of every output. */
export interface GitHubAppCredentials {
  appId: string;
  privateKey: string;
}

/** What an operation does on the infra repository: dispatch and cancel (write), or only read runs. */
export type GitHubAccess = 'write' | 'read';

const APP_PERMISSIONS: Readonly<Record<GitHubAccess, Readonly<Record<string, 'read' | 'write'>>>> = {
  write: { actions: 'write', contents: 'read' },
  read: { actions: 'read' },
};

export interface AppTokensOptions {
  app: GitHubAppCredentials;
  /** How the adapter calls the settings the fixes name. */
  names: Pick<AdapterNames, 'debug'>;
  access: GitHubAccess;
  baseUrl: string;
  userAgent: string;
  clock: Clock;
  log: (message: string) => void;
  /** Each token as it is minted (adapters mask it; the Action saves it for its post step). */
  onToken?: ((token: string) => void) | undefined;
}

interface Minted {
  token: string;
  repository: string;
  /** On the injected clock: mint a new one from then on. */
  refreshAt: number;
  expiresAtMs: number;
  revoked?: Promise<boolean>;
  /** Requests sent with it and not answered yet: it is revoked once replaced and idle. */
  inFlight: number;
  replaced?: boolean;
}

type RequestOptions = Parameters<typeof octokitRequest>[0] & object;
type RequestSend = (options: RequestOptions) => ReturnType<typeof octokitRequest>;

const KEY_INPUT = 'github-app-private-key / HOSTING_GITHUB_APP_PRIVATE_KEY';
const ID_INPUT = 'github-app-id / HOSTING_GITHUB_APP_ID';

/** Bad input (exit 2) for an App id or key that cannot be right, checked before any request. */
function checkAppCredentials(app: GitHubAppCredentials): void {
  if (!/^(\d+|Iv[0-9A-Za-z._-]+)$/.test(app.appId.trim())) {
    throw new InputError(
      ID_INPUT,
      `The GitHub App id is not an App id: expected the App's numeric id or its client id (Iv…).`,
      `Set ${ID_INPUT} to the "App ID" or "Client ID" shown on the App's settings page.`,
    );
  }
  try {
    createPrivateKey(app.privateKey);
  } catch {
    throw new InputError(
      KEY_INPUT,
      'The GitHub App private key is not a PEM private key (it could not be read; it is not shown).',
      `Set ${KEY_INPUT} to the whole .pem file the App's settings page generated, from -----BEGIN to END-----.`,
    );
  }
}

export class AppTokens {
  private readonly auth: ReturnType<typeof createAppAuth>;
  private readonly request: typeof octokitRequest;
  private readonly current = new Map<string, Minted>();
  private readonly minting = new Map<string, Promise<Minted>>();
  private readonly installations = new Map<string, number>();
  /** Every token minted, for revocation at the end. */
  readonly minted: Minted[] = [];

  constructor(private readonly o: AppTokensOptions) {
    checkAppCredentials(o.app);
    this.request = octokitRequest.defaults({
      baseUrl: o.baseUrl,
      headers: { 'user-agent': o.userAgent },
      request: {
        hook: (send: RequestSend, options: RequestOptions) =>
          versionedRequest(send, options, o.baseUrl, o.log),
      },
    });
    this.auth = createAppAuth({
      appId: o.app.appId.trim(),
      privateKey: o.app.privateKey,
      request: this.request,
      log: { warn: () => {} },
    });
  }

  /** A token for `owner/repo` valid for a while yet: the current one, or a new one. */
  async token(owner: string, repo: string): Promise<string> {
    const key = `${owner}/${repo}`.toLowerCase();
    const have = this.current.get(key);
    if (have && this.o.clock.now() < have.refreshAt) return have.token;
    let pending = this.minting.get(key);
    if (!pending) {
      pending = this.mint(owner, repo).finally(() => this.minting.delete(key));
      this.minting.set(key, pending);
    }
    return (await pending).token;
  }

  /** GitHub refused this token (401): mint another on the next request. */
  invalidate(token: string): void {
    for (const [key, m] of this.current) if (m.token === token) this.current.delete(key);
  }

  /** A request is sent with `token` (`+1`) or answered (`-1`). */
  using(token: string, delta: 1 | -1): void {
    const m = this.minted.find((x) => x.token === token);
    if (!m) return;
    m.inFlight += delta;
    if (m.replaced) this.revokeIfIdle(m);
  }

  /** Revoke a token no longer needed, unless a request still uses it or it is about to expire anyway. */
  private revokeIfIdle(m: Minted): void {
    if (m.inFlight > 0 || m.revoked) return;
    if (m.expiresAtMs - Date.now() < 500) return;
    m.revoked = revokeToken(this.request, m.token);
  }

  /** The latest token minted and not invalidated, if any. */
  latest(): string | undefined {
    return [...this.current.values()].at(-1)?.token;
  }

  owns(token: string): boolean {
    return this.minted.some((m) => m.token === token);
  }

  private async mint(owner: string, repo: string): Promise<Minted> {
    const key = `${owner}/${repo}`.toLowerCase();
    const installationId = await this.installation(owner, repo);
    const permissions = APP_PERMISSIONS[this.o.access];
    const start = this.o.clock.now();
    let answer: { token: string; expiresAt: string };
    try {
      answer = await this.auth({
        type: 'installation',
        installationId,
        repositoryNames: [repo],
        permissions,
        refresh: true,
      });
    } catch (error) {
      throw this.mintError(error, owner, repo);
    }
    // The lifetime GitHub gave (its expiry on the wall clock), re-minted when 60% of it, at most 5 minutes, is
    // left: time enough to mint the next one and revoke this one while it is still valid.
    const lifetime = Math.max(0, Date.parse(answer.expiresAt) - Date.now());
    const margin = Math.min(300_000, lifetime * 0.6);
    const minted: Minted = {
      token: answer.token,
      repository: key,
      refreshAt: start + lifetime - margin,
      expiresAtMs: Date.now() + lifetime,
      inFlight: 0,
    };
    const previous = this.current.get(key);
    this.minted.push(minted);
    this.current.set(key, minted);
    this.o.onToken?.(minted.token);
    // The one it replaces is still valid: revoke it once no request uses it, rather than let it linger.
    if (previous) {
      previous.replaced = true;
      this.revokeIfIdle(previous);
    }
    const level = Object.entries(permissions).map(([k, v]) => `${k}: ${v}`);
    this.o.log(
      `GitHub App ${this.o.app.appId}: minted an installation token for ${owner}/${repo} only (${level.join(', ')}), valid ${Math.round(lifetime / 1000)} s.`,
    );
    return minted;
  }

  private async installation(owner: string, repo: string): Promise<number> {
    const key = `${owner}/${repo}`.toLowerCase();
    const known = this.installations.get(key);
    if (known !== undefined) return known;
    let jwt: string;
    try {
      jwt = (await this.auth({ type: 'app' })).token;
    } catch {
      // The library's message may quote the key: say what it means instead.
      throw new InputError(
        KEY_INPUT,
        'The GitHub App private key could not sign a JWT (it is not shown).',
        `Set ${KEY_INPUT} to the App's .pem private key, whole.`,
      );
    }
    try {
      const res = await this.request('GET /repos/{owner}/{repo}/installation', {
        owner,
        repo,
        headers: { authorization: `bearer ${jwt}` },
      });
      this.installations.set(key, res.data.id);
      return res.data.id;
    } catch (error) {
      throw this.installationError(error, owner, repo);
    }
  }

  private installationError(error: unknown, owner: string, repo: string): HostingError {
    const f = httpFailure(error);
    const app = `GitHub App ${this.o.app.appId}`;
    const details = { app: this.o.app.appId, repository: `${owner}/${repo}`, status: f.status };
    if (f.status === 401) {
      return new PreconditionError(
        'GITHUB_APP_UNAUTHORIZED',
        `GitHub rejected the JWT of ${app} (401 ${f.message}): the App id is wrong, or the private key is not this App's.`,
        {
          fix: `Check ${ID_INPUT} (the "App ID" or "Client ID" on the App's settings page) and that ${KEY_INPUT} is one of that App's private keys; the machine's clock must be right within a minute.`,
          cause: safeCause(f),
          details,
        },
      );
    }
    if (f.status === 404) {
      return new PreconditionError(
        'GITHUB_APP_NOT_INSTALLED',
        `${app} is not installed on ${owner}/${repo} (GitHub answered 404 for its installation).`,
        {
          fix: `Install the App on ${owner} and give it access to ${repo}: the App's settings page → Install App → ${owner} → Only select repositories → ${repo}.`,
          cause: safeCause(f),
          details,
        },
      );
    }
    return remoteAppError(f, `find the installation of ${app} on ${owner}/${repo}`, details, this.o.names);
  }

  private mintError(error: unknown, owner: string, repo: string): HostingError {
    if (error instanceof HostingError) return error;
    const f = httpFailure(error);
    const app = `GitHub App ${this.o.app.appId}`;
    const details = { app: this.o.app.appId, repository: `${owner}/${repo}`, status: f.status };
    const wanted = Object.entries(APP_PERMISSIONS[this.o.access]).map(([k, v]) => `${k}: ${v}`);
    if (f.status === 422 && /permission/i.test(f.message)) {
      return new PreconditionError(
        'GITHUB_APP_PERMISSION_MISSING',
        `The installation of ${app} on ${owner} lacks a permission this needs (${wanted.join(', ')}): ${f.message}`,
        {
          fix: `In the App's settings → Permissions, grant Actions: Read and write and Contents: Read-only, then accept the new permissions on ${owner}'s installation (Settings → GitHub Apps → the App).`,
          cause: safeCause(f),
          details,
        },
      );
    }
    if (f.status === 422) {
      return new PreconditionError(
        'GITHUB_APP_REPOSITORY_MISSING',
        `The installation of ${app} on ${owner} does not include the repository ${repo}: ${f.message}`,
        {
          fix: `Add ${repo} to the installation: ${owner}'s Settings → GitHub Apps → the App → Configure → Repository access.`,
          cause: safeCause(f),
          details,
        },
      );
    }
    if (f.status === 401) return this.installationError(error, owner, repo);
    return remoteAppError(
      f,
      `mint an installation token of ${app} for ${owner}/${repo}`,
      details,
      this.o.names,
    );
  }

  /** Revoke every minted token still valid; answers how many were revoked. Never throws. */
  async revokeAll(): Promise<number> {
    this.current.clear();
    for (const m of this.minted)
      if (m.expiresAtMs > Date.now()) m.revoked ??= revokeToken(this.request, m.token);
    const results = await Promise.all(this.minted.map((m) => m.revoked ?? false));
    const revoked = results.filter(Boolean).length;
    if (this.minted.length > 0)
      this.o.log(
        `GitHub App ${this.o.app.appId}: revoked ${revoked} of the ${this.minted.length} installation token(s) minted (the others had expired).`,
      );
    return revoked;
  }
}

type Details = Record<string, string | number | undefined>;

function remoteAppError(
  f: ReturnType<typeof httpFailure>,
  action: string,
  details: Details,
  names: Pick<AdapterNames, 'debug'>,
): HostingError {
  return new PreconditionError(
    'GITHUB_APP_FAILED',
    `GitHub refused to ${action} (HTTP ${f.status}: ${f.message}).`,
    {
      fix: `Check the App id, its private key and its installation on the infra repository; re-run with ${names.debug} for details.`,
      cause: safeCause(f),
      details,
    },
  );
}

/** DELETE /installation/token with the token itself; false when GitHub did not take it (already expired). */
async function revokeToken(request: typeof octokitRequest, token: string): Promise<boolean> {
  try {
    await request('DELETE /installation/token', { headers: { authorization: `token ${token}` } });
    return true;
  } catch {
    return false;
  }
}

/** Revoke tokens another process minted (the Action's post step after a killed main step). */
export async function revokeGitHubAppTokens(options: {
  baseUrl: string;
  tokens: readonly string[];
  log?: (message: string) => void;
}): Promise<number> {
  const log = options.log ?? (() => {});
  const request = octokitRequest.defaults({
    baseUrl: options.baseUrl,
    request: {
      hook: (send: RequestSend, o: RequestOptions) => versionedRequest(send, o, options.baseUrl, log),
    },
  });
  const results = await Promise.all(options.tokens.map((t) => revokeToken(request, t)));
  return results.filter(Boolean).length;
}

interface AuthOptions {
  owner?: unknown;
  repo?: unknown;
  headers: Record<string, string | number | undefined>;
}

/**
 * Authenticate every request of `client` with an installation token for the repository it names (minted,
 * or re-minted before it expires); a 401 on a token we minted (expired early, revoked) re-mints once.
 * Requests that name no repository (GET /user) use the latest token, if any.
 */
export function useAppTokens(client: GitHubClient, tokens: AppTokens): void {
  client.hook.wrap('request', async (request, options) => {
    const o = options as unknown as AuthOptions;
    const repo =
      typeof o.owner === 'string' && typeof o.repo === 'string'
        ? { owner: o.owner, repo: o.repo }
        : undefined;
    const token = repo ? await tokens.token(repo.owner, repo.repo) : tokens.latest();
    if (token) o.headers.authorization = `token ${token}`;
    if (token) tokens.using(token, 1);
    try {
      return await request(options);
    } catch (error) {
      if (!repo || !token || httpFailure(error).status !== 401 || !tokens.owns(token)) throw error;
      tokens.invalidate(token);
      const again = await tokens.token(repo.owner, repo.repo);
      o.headers.authorization = `token ${again}`;
      tokens.using(again, 1);
      try {
        return await request(options);
      } finally {
        tokens.using(again, -1);
      }
    } finally {
      if (token) tokens.using(token, -1);
    }
  });
}
