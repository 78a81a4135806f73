import { type LocalRegistry, startRegistry } from '../registry.js';
import type { EcrRepository } from './ecr.js';
import { RegistryApi } from './registry-api.js';
import { type AwsTestServer, type AwsTestServerOptions, startAwsServer } from './server.js';

/** What the SDK reads: point a real client (or the CLI) at the peers with these. */
export interface AwsPeerEnv {
  AWS_ENDPOINT_URL: string;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  [name: string]: string;
}

export interface AwsPeers {
  registry: LocalRegistry;
  aws: AwsTestServer;
  region: string;
  /** Environment for a child process or `createAwsPorts({env})` (merge it over a clean environment). */
  env: AwsPeerEnv;
  /** Options for an AWS SDK v3 client of this server (endpoint, region, credentials; no SDK retries). */
  clientConfig: AwsPeerClientConfig;
  /** Create an ECR repository (the registry itself has none). */
  createRepository(name: string, options?: { imageTagMutability?: 'MUTABLE' | 'IMMUTABLE' }): EcrRepository;
  /** Stop the AWS server and the registry; fails when the AWS server answered outside its model. */
  stop(): Promise<void>;
}

interface AwsPeerClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: 1;
}

export interface StartAwsPeersOptions {
  region?: string;
  accountId?: string;
  /** ECS scheduler: milliseconds per task transition (default 200; tests use 20-50, the demo ~300). */
  ecsTickMs?: number;
  /** ECS: the compressed clock (`clockFactor`), the service deployments API switch (`serviceDeploymentsApi`). */
  ecs?: AwsTestServerOptions['ecs'];
}

/** Start a real registry and the AWS (SSM + ECR + ECS) test server in front of it. */
export async function startAwsPeers(options: StartAwsPeersOptions = {}): Promise<AwsPeers> {
  const region = options.region ?? 'eu-west-1';
  const registry = await startRegistry();
  let aws: AwsTestServer;
  try {
    aws = await startAwsServer({
      registry: {
        registry: new RegistryApi(registry.url, registry.authorization),
        host: registry.host,
        username: registry.username,
        password: registry.password,
      },
      ...(options.accountId ? { accountId: options.accountId } : {}),
      region,
      ecsTickMs: options.ecsTickMs,
      ecs: options.ecs,
    });
  } catch (error) {
    await registry.stop();
    throw error;
  }
  return {
    registry,
    aws,
    region,
    env: {
      AWS_ENDPOINT_URL: aws.url,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    },
    clientConfig: {
      endpoint: aws.url,
      region,
      credentials: { ...aws.credentials },
      maxAttempts: 1,
    },
    createRepository: (name, repoOptions) => aws.ecr.createRepository(name, repoOptions),
    stop: async () => {
      try {
        await aws.stop();
      } finally {
        await registry.stop();
      }
    },
  };
}
