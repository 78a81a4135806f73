/**
 * The testkit's peers as the bin sees them: the AWS test server (SSM, ECR, ECS) with its registry, the
 * GitHub test server serving the infra repository INFRA_REPO, a private work directory (the bin's HOME),
 * and the environment that points the bin at them. Optionally fault proxies in front of both servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsPeers,
  type BuilderStorage,
  createBuilderStorage,
  type FaultProxy,
  type GitHubPeer,
  type GitHubPeerOptions,
  type StartAwsPeersOptions,
  startAwsPeers,
  startFaultProxy,
  startGitHubPeer,
} from '@shared-hosting/testkit';

/** The infra repository every test's GitHub peer serves (`--infra-repo`). */
export const INFRA_REPO = 'owner/infra';
const [OWNER = '', REPO = ''] = INFRA_REPO.split('/');

export type Env = Record<string, string>;

export interface PeersOptions {
  aws?: StartAwsPeersOptions;
  /** The GitHub peer's options (owner and repo: INFRA_REPO's by default); a function of the AWS peers for an executor. */
  github?: Partial<GitHubPeerOptions> | ((aws: AwsPeers) => Partial<GitHubPeerOptions>);
  /** A private buildah storage (vfs) for builds: its environment is in `env()`. */
  buildah?: boolean;
}

export interface Peers {
  aws: AwsPeers;
  github: GitHubPeer;
  /** A private directory, removed by `stop()`: the bin's HOME. */
  work: string;
  /** The bin's whole environment: PATH, HOME, the peers (AWS, GitHub and its token), buildah; `extra` over it. */
  env(extra?: Env): Env;
  /** A user of these peers with fault proxies of its own in front of both, and a HOME of its own. */
  behindProxies(name: string): Promise<ProxiedUser>;
  stop(): Promise<void>;
}

export interface ProxiedUser {
  proxy: { aws: FaultProxy; github: FaultProxy };
  home: string;
  /** As `Peers.env`, with AWS and GitHub reached through the proxies. */
  env(extra?: Env): Env;
  stop(): Promise<void>;
}

export async function startPeers(options: PeersOptions = {}): Promise<Peers> {
  const work = mkdtempSync(path.join(tmpdir(), 'hosting-cli-test-'));
  const aws = await startAwsPeers(options.aws);
  const githubOptions = typeof options.github === 'function' ? options.github(aws) : options.github;
  const github = await startGitHubPeer({ owner: OWNER, repo: REPO, ...githubOptions });
  const storage: BuilderStorage | undefined = options.buildah ? await createBuilderStorage() : undefined;
  const base = (home: string): Env => ({
    PATH: process.env.PATH ?? '',
    HOME: home,
    ...aws.env,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: github.token,
    HOSTING_BUILDER: 'buildah',
    ...storage?.env,
  });
  const peers: Peers = {
    aws,
    github,
    work,
    env: (extra = {}) => ({ ...base(work), ...extra }),
    behindProxies: async (name) => {
      const [awsProxy, ghProxy] = await Promise.all([
        startFaultProxy(aws.env.AWS_ENDPOINT_URL),
        startFaultProxy(github.url),
      ]);
      const home = mkdtempSync(path.join(work, `${name}-home-`));
      const through = { AWS_ENDPOINT_URL: awsProxy.url, GITHUB_API_URL: ghProxy.url };
      return {
        proxy: { aws: awsProxy, github: ghProxy },
        home,
        env: (extra = {}) => ({ ...base(home), ...through, ...extra }),
        stop: async () => {
          await Promise.all([awsProxy.stop(), ghProxy.stop()]);
        },
      };
    },
    stop: async () => {
      await github.stop();
      await aws.stop();
      await storage?.remove();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return peers;
}
