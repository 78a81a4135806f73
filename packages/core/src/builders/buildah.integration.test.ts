/**
 * The real thing: buildah builds a FROM-scratch image, pushes it through a temporary auth file into a real
 * registry, and the ECR port (real SDK over HTTP) finds it by tag with the same digest.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsPeers,
  type BuilderStorage,
  createBuilderStorage,
  requireBuildah,
  startAwsPeers,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsPorts, createAwsPorts } from '../aws/index.js';
import type { ImageBuilder } from '../ports/ports.js';
import { ADAPTER_NAMES } from '../testing/names.js';
import { selectBuilder } from './index.js';

let peers: AwsPeers;
let aws: AwsPorts;
let work: string;
let builder: ImageBuilder;
let storage: BuilderStorage;

beforeAll(async () => {
  requireBuildah();
  storage = await createBuilderStorage();
  work = await mkdtemp(path.join(tmpdir(), 'buildah-test-'));
  await mkdir(path.join(work, 'ctx'));
  await mkdir(path.join(work, 'auth'));
  await writeFile(path.join(work, 'ctx', 'hello.txt'), 'hello from the test\n');
  await writeFile(
    path.join(work, 'ctx', 'Dockerfile'),
    'FROM scratch\nARG GREETING=none\nCOPY hello.txt /hello.txt\nLABEL greeting=$GREETING\n',
  );
  peers = await startAwsPeers({ region: 'eu-west-1' });
  peers.createRepository('hello-app');
  aws = await createAwsPorts({ names: ADAPTER_NAMES, env: peers.env, retry: { baseDelayMs: 1 } });
  builder = await selectBuilder('buildah', {
    // Isolated storage through the environment (what the CLI end-to-end tests and the demo use too).
    env: { ...process.env, ...storage.env },
    buildArgs: ['--timestamp', '0'],
    tempDir: path.join(work, 'auth'),
  });
});

afterAll(async () => {
  await peers?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  await storage?.remove();
});

describe('buildah round-trip', () => {
  it('builds, pushes with a temporary auth file, and ECR sees the same digest', async () => {
    const image = `${peers.registry.host}/hello-app:abc123`;
    const lines: string[] = [];
    await builder.build(
      {
        context: path.join(work, 'ctx'),
        dockerfile: path.join(work, 'ctx', 'Dockerfile'),
        tags: [image],
        labels: { 'org.opencontainers.image.revision': 'abc123' },
        buildArgs: { GREETING: 'hi' },
      },
      (line) => lines.push(line),
    );
    expect(lines.join('\n')).toMatch(/COPY hello.txt/);

    expect(await aws.registry.findImage('hello-app', 'abc123')).toBeUndefined();
    const auth = await aws.registry.getAuthorization();
    expect(auth.insecure).toBe(true);
    const pushed = await builder.push({ image, auth }, (line) => lines.push(line));
    expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);

    const found = await aws.registry.findImage('hello-app', 'abc123');
    expect(found?.digest).toBe(pushed.digest);
    expect(found?.tags).toEqual(['abc123']);

    // Labels and build args reached the image config.
    const headers = { authorization: peers.registry.authorization };
    const manifest = (await (
      await fetch(`${peers.registry.url}/v2/hello-app/manifests/${pushed.digest}`, {
        headers: { ...headers, accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
    ).json()) as { config: { digest: string } };
    const config = (await (
      await fetch(`${peers.registry.url}/v2/hello-app/blobs/${manifest.config.digest}`, { headers })
    ).json()) as { config: { Labels: Record<string, string> } };
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.revision': 'abc123',
      greeting: 'hi',
    });

    // The temporary auth file is gone, and the password never showed up in the output.
    expect(await readdir(path.join(work, 'auth'))).toEqual([]);
    expect(lines.join('\n')).not.toContain(auth.password);
    expect(existsSync(path.join(process.env.HOME ?? '/root', '.docker', 'config.json'))).toBe(false);
  });

  it('fails a broken build with the end of the log', async () => {
    await writeFile(path.join(work, 'ctx', 'Broken.Dockerfile'), 'FROM scratch\nCOPY missing.txt /x\n');
    const error = await builder
      .build(
        {
          context: path.join(work, 'ctx'),
          dockerfile: path.join(work, 'ctx', 'Broken.Dockerfile'),
          tags: [`${peers.registry.host}/hello-app:broken`],
          labels: {},
          buildArgs: {},
        },
        () => {},
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BUILD_FAILED' });
    expect((error as { logTail: string[] }).logTail.join('\n')).toMatch(/missing\.txt/);
  });
});
