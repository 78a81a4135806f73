/**
 * GitHub Apps as GitHub models them: an App (id, client id, RSA key) authenticates with a JWT (RS256, `iss`,
 * `iat`, `exp` checked), finds its installation, and mints installation tokens limited to repositories and
 * permissions, which expire after a lifetime a test sets and can be revoked.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, verify } from 'node:crypto';
import { fail } from './reply.js';
import type { AppOptions, IssuedToken, TestApp } from './types.js';

export interface AppRecord {
  id: number;
  clientId: string;
  slug: string;
  publicKey: KeyObject;
  installation: Installation | undefined;
  tokenLifetimeMs: number;
}

export interface Installation {
  id: number;
  account: string;
  repositories: readonly string[] | 'all';
  permissions: Record<string, 'read' | 'write'>;
}

const DEFAULT_PERMISSIONS = { actions: 'write', contents: 'read', metadata: 'read' } as const;

export class Apps {
  readonly apps = new Map<number, AppRecord>();
  readonly tokens = new Map<string, IssuedToken>();
  private nextId = 912_001;

  constructor(
    private readonly now: () => number,
    private readonly owner: string,
    private readonly infra: string,
    private readonly issued: IssuedToken[],
  ) {}

  add(options: AppOptions = {}): TestApp {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const id = this.nextId++;
    const installation: Installation | undefined =
      options.installed === false
        ? undefined
        : {
            id: id * 10 + 1,
            account: this.owner,
            repositories: options.repositories ?? [this.infra],
            permissions: { ...DEFAULT_PERMISSIONS, ...options.permissions },
          };
    const app: AppRecord = {
      id,
      clientId: `Iv23li${randomBytes(7).toString('hex')}`,
      slug: options.slug ?? 'deploy-app',
      publicKey,
      installation,
      tokenLifetimeMs: (options.tokenLifetimeSeconds ?? 3600) * 1000,
    };
    this.apps.set(id, app);
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    return { id, clientId: app.clientId, slug: app.slug, privateKey: pem, installationId: installation?.id };
  }

  /** The App a JWT authenticates, or 401 as GitHub words it. */
  verifyJwt(jwt: string): AppRecord {
    const [h, p, sig] = jwt.split('.');
    const decode = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString());
    let header: { alg?: string };
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = decode(h);
      claims = decode(p);
    } catch {
      fail(401, 'A JSON web token could not be decoded');
    }
    const app = [...this.apps.values()].find(
      (a) => String(a.id) === String(claims.iss) || a.clientId === claims.iss,
    );
    if (header.alg !== 'RS256' || !app) fail(401, 'A JSON web token could not be decoded');
    const signed = Buffer.from(`${h}.${p}`);
    if (!verify('RSA-SHA256', signed, app.publicKey, Buffer.from(sig ?? '', 'base64url')))
      fail(401, 'A JSON web token could not be decoded');
    checkTimes(claims, Math.floor(this.now() / 1000));
    return app;
  }

  /** Mint an installation token for `repositories` (default all it may reach) with `permissions`. */
  mint(
    app: AppRecord,
    request: { repositories?: string[]; permissions?: Record<string, string> },
  ): IssuedToken {
    const inst = app.installation as Installation;
    const reach = inst.repositories === 'all' ? undefined : inst.repositories.map((r) => r.toLowerCase());
    const names = (request.repositories ?? []).map((n) => `${inst.account}/${n}`.toLowerCase());
    if (reach && names.some((n) => !reach.includes(n)))
      fail(
        422,
        'There is at least one repository that does not exist or is not accessible to the parent installation.',
      );
    const permissions = request.permissions ?? inst.permissions;
    for (const [name, level] of Object.entries(permissions)) {
      const granted = inst.permissions[name];
      if (!granted || (level === 'write' && granted !== 'write'))
        fail(422, 'The permissions requested are not granted to this installation.');
    }
    const now = this.now();
    const token: IssuedToken = {
      token: `ghs_${randomBytes(18).toString('base64url')}`,
      appId: app.id,
      installationId: inst.id,
      repositories: names.length > 0 ? names : (reach ?? [this.infra.toLowerCase()]),
      permissions: { ...permissions, metadata: 'read' },
      issuedAt: now,
      expiresAt: now + app.tokenLifetimeMs,
    };
    this.tokens.set(token.token, token);
    this.issued.push(token);
    return token;
  }

  /** The live installation token, or 401 Bad credentials (unknown, expired or revoked). */
  installationToken(token: string): IssuedToken | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.revokedAt !== undefined || this.now() >= t.expiresAt) fail(401, 'Bad credentials');
    return t;
  }
}

/** GitHub's limits: issued at most 60 s ahead of its clock, expiring in the future, at most 10 minutes later. */
function checkTimes(claims: { iat?: unknown; exp?: unknown }, now: number): void {
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || iat > now + 60)
    fail(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    );
  if (typeof exp !== 'number' || exp <= now)
    fail(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    );
  if (exp - iat > 600) fail(401, "'Expiration time' claim ('exp') is too far in the future.");
}
