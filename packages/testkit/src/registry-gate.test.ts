import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRegistry, startRegistry } from './registry.js';
import { type RegistryGate, repositoryOf, startRegistryGate } from './registry-gate.js';

describe('startRegistryGate', () => {
  let registry: LocalRegistry;
  let gate: RegistryGate;
  beforeAll(async () => {
    registry = await startRegistry();
    gate = await startRegistryGate(
      registry.url,
      (repo, method) =>
        repo === 'app/build-cache' ? 'missing' : repo === 'locked' && method === 'POST' ? 'denied' : 'allow',
      '123456789012',
    );
  });
  afterAll(async () => {
    await gate?.stop();
    await registry?.stop();
  });
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${gate.url}${path}`, { ...init, headers: { authorization: registry.authorization } });

  it('finds the repository in a registry API path', () => {
    expect(repositoryOf('/v2/a/b/build-cache/tags/list')).toBe('a/b/build-cache');
    expect(repositoryOf('/v2/app/blobs/uploads/')).toBe('app');
    expect(repositoryOf('/v2/')).toBeUndefined();
  });

  it('answers like ECR for a repository that does not exist', async () => {
    const response = await get('/v2/app/build-cache/tags/list');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      errors: [
        {
          code: 'NAME_UNKNOWN',
          message:
            "The repository with name 'app/build-cache' does not exist in the registry with id '123456789012'",
        },
      ],
    });
  });

  it('refuses what the policy denies with 403 DENIED', async () => {
    const response = await get('/v2/locked/blobs/uploads/', { method: 'POST' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('DENIED');
  });

  it('passes everything else to the registry, authentication included', async () => {
    expect((await fetch(`${gate.url}/v2/`)).status).toBe(401);
    expect((await get('/v2/')).status).toBe(200);
    const upload = await get('/v2/app/blobs/uploads/', { method: 'POST' });
    expect(upload.status).toBe(202);
    expect(upload.headers.get('location')).toContain(gate.host);
  });
});
