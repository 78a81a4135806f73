/**
 * An application as the CLI's tests deploy it: its names (parameter, lock), the `deploy` command line, its
 * images in the registry, its checkout on disk. And `waitUntil`, for a step of a running bin.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AwsPeers, pushTestImage } from '@shared-hosting/testkit';
import { INFRA_REPO } from './peers.js';

/** The version parameter and the lock of an application's environment. */
export const param = (app: string, env: string) => `/shared-hosting/${app}/${env}/version`;
export const lockOf = (app: string, env: string) => `/shared-hosting/${app}/${env}/lock`;

/** `hosting deploy` of `app` to `env` through INFRA_REPO; `flags` after it (`--version`, `--json`, …). */
export const deployArgs = (app: string, env: string, ...flags: string[]) => [
  'deploy',
  ...['--app', app, '--env', env, '--infra-repo', INFRA_REPO],
  ...flags,
];

/** The parameter's current value on the AWS test server. */
export const versionValue = (aws: AwsPeers, name: string) => aws.aws.ssm.parameters.get(name)?.at(-1)?.Value;

/** Push test images `tags` of `repository` (each with its own content); their digests by tag. */
export async function pushImages(
  aws: AwsPeers,
  repository: string,
  tags: readonly string[],
): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const tag of tags)
    digests[tag] = await pushTestImage(aws.registry, repository, tag, { content: `${repository} ${tag}` });
  return digests;
}

/**
 * An application with version v1 deployed to `env` (the parameter seeded, as a deploy of v1 writes it) and
 * the test images `images` in its ECR repository: a deploy of one of them builds nothing.
 */
export async function application(
  aws: AwsPeers,
  name: string,
  env: string,
  images: readonly string[] = ['v1', 'v2'],
): Promise<void> {
  aws.createRepository(name);
  await pushImages(aws, name, images);
  aws.aws.ssm.seed(param(name, env), 'v1', { description: 'shared-hosting deploy | version=v1' });
}

/**
 * An application's checkout in `dir`: a FROM-scratch Dockerfile copying hello.txt (holding `text`), committed
 * to git when `commit` is given (its author); returns the commit (or '' without one).
 */
export function appCheckout(dir: string, options: { text?: string; commit?: string } = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  writeFileSync(path.join(dir, 'hello.txt'), `${options.text ?? 'hello'}\n`);
  if (!options.commit) return '';
  const email = `${options.commit}@example.com`;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', `user.email=${email}`, '-c', `user.name=${options.commit}`, ...args], {
      cwd: dir,
    })
      .toString()
      .trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'app');
  return git('rev-parse', 'HEAD');
}

/** Poll `done` every 50 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The tags of `repository` in the registry, sorted ([] when it has none). */
export async function registryTags(aws: AwsPeers, repository: string): Promise<string[]> {
  const res = await fetch(`${aws.registry.url}/v2/${repository}/tags/list`, {
    headers: { authorization: aws.registry.authorization },
  });
  if (res.status === 404) return [];
  return (((await res.json()) as { tags?: string[] }).tags ?? []).sort();
}
