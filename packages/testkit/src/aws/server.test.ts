import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedCall } from './fixtures.js';
import { type AwsPeers, startAwsPeers } from './peers.js';
import { pushTestImage } from './registry-api.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let peers: AwsPeers;
let ssm: SSMClient;
let ecr: ECRClient;

const clientConfig = () => ({
  endpoint: peers.env.AWS_ENDPOINT_URL,
  region: peers.region,
  credentials: {
    accessKeyId: peers.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: peers.env.AWS_SECRET_ACCESS_KEY,
  },
  maxAttempts: 1,
});

beforeAll(async () => {
  peers = await startAwsPeers();
  ssm = new SSMClient(clientConfig());
  ecr = new ECRClient(clientConfig());
});
afterAll(async () => {
  ssm?.destroy();
  ecr?.destroy();
  await peers?.stop();
});
beforeEach(() => {
  peers.aws.clearInjections();
  peers.aws.clearRequests();
});

describe('SSM', () => {
  it('keeps versions with date, user and description', async () => {
    const name = '/shared-hosting/app/staging/version';
    await expect(ssm.send(new GetParameterCommand({ Name: name }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    const v1 = await ssm.send(
      new PutParameterCommand({ Name: name, Value: 'abc', Type: 'String', Description: 'first' }),
    );
    expect(v1.Version).toBe(1);
    await expect(
      ssm.send(new PutParameterCommand({ Name: name, Value: 'def', Type: 'String' })),
    ).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    const v2 = await ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: 'def',
        Type: 'String',
        Overwrite: true,
        Description: 'second',
      }),
    );
    expect(v2.Version).toBe(2);
    const got = await ssm.send(new GetParameterCommand({ Name: name }));
    expect(got.Parameter).toMatchObject({ Name: name, Value: 'def', Version: 2, Type: 'String' });
    expect(got.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    const old = await ssm.send(new GetParameterCommand({ Name: `${name}:1` }));
    expect(old.Parameter?.Value).toBe('abc');
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: name }));
    expect(history.Parameters?.map((p) => [p.Version, p.Value, p.Description])).toEqual([
      [1, 'abc', 'first'],
      [2, 'def', 'second'],
    ]);
    expect(history.Parameters?.[1]?.LastModifiedUser).toMatch(/^arn:aws:iam::123456789012:user\//);
  });

  it('labels versions like SSM: moves a label, answers invalid ones, caps a version at 10; deletes', async () => {
    const name = '/labels/version';
    for (const value of ['a', 'b']) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
    }
    const first = await ssm.send(
      new LabelParameterVersionCommand({ Name: name, ParameterVersion: 1, Labels: ['live', '1st', 'ssmx'] }),
    );
    expect(first).toMatchObject({ ParameterVersion: 1, InvalidLabels: ['1st', 'ssmx'] });
    const latest = await ssm.send(new LabelParameterVersionCommand({ Name: name, Labels: ['live'] }));
    expect(latest.ParameterVersion).toBe(2);
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: name }));
    expect(history.Parameters?.map((p) => p.Labels)).toEqual([[], ['live']]);
    expect((await ssm.send(new GetParameterCommand({ Name: `${name}:live` }))).Parameter?.Value).toBe('b');
    const many = Array.from({ length: 10 }, (_, i) => `l${i}`);
    await expect(
      ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: 2, Labels: many })),
    ).rejects.toMatchObject({ name: 'ParameterVersionLabelLimitExceeded' });
    await expect(
      ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: 9, Labels: ['x'] })),
    ).rejects.toMatchObject({ name: 'ParameterVersionNotFound' });
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    await expect(ssm.send(new DeleteParameterCommand({ Name: name }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    await expect(
      ssm.send(new LabelParameterVersionCommand({ Name: name, Labels: ['x'] })),
    ).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  it('pages the history with NextToken', async () => {
    const name = '/paged/version';
    for (let i = 1; i <= 7; i++) {
      await ssm.send(
        new PutParameterCommand({ Name: name, Value: `v${i}`, Type: 'String', Overwrite: true }),
      );
    }
    const first = await ssm.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 5 }));
    expect(first.Parameters).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    const second = await ssm.send(
      new GetParameterHistoryCommand({ Name: name, MaxResults: 5, NextToken: first.NextToken }),
    );
    expect(second.Parameters?.map((p) => p.Value)).toEqual(['v6', 'v7']);
    expect(second.NextToken).toBeUndefined();
  });

  it('rejects what the model does not allow', async () => {
    await expect(
      ssm.send(new GetParameterHistoryCommand({ Name: '/paged/version', MaxResults: 51 })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const unknown = await signedCall(peers, 'ssm', 'GetParameter', { Name: '/a', Bogus: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.__type).toBe('ValidationException');
    expect(unknown.body.message).toContain("Unexpected key 'Bogus'");
    const missing = await signedCall(peers, 'ssm', 'PutParameter', { Name: '/a' });
    expect(missing.body).toMatchObject({ __type: 'ValidationException' });
    expect(missing.body.message).toContain("Missing required key 'Value'");
    const wrongType = await signedCall(peers, 'ssm', 'PutParameter', { Name: '/a', Value: 1 });
    expect(wrongType.body.message).toContain('params.Value must be a string');
    await expect(
      ssm.send(new PutParameterCommand({ Name: 'no/leading/slash', Value: 'x', Type: 'String' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('rejects a bad signature and an unknown key', async () => {
    const bad = await signedCall(peers, 'ssm', 'GetParameter', { Name: '/a' }, 'not-the-secret');
    expect(bad.status).toBe(400);
    expect(bad.body.__type).toBe('InvalidSignatureException');
    const stranger = new SSMClient({
      ...clientConfig(),
      credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' },
    });
    await expect(stranger.send(new GetParameterCommand({ Name: '/a' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    stranger.destroy();
  });

  it('injects faults and records requests', async () => {
    peers.aws.inject({ operation: 'GetParameter', errorType: 'ThrottlingException', times: 2 });
    peers.aws.inject({ operation: 'GetParameter', status: 502 });
    await expect(ssm.send(new GetParameterCommand({ Name: '/a' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    await expect(ssm.send(new GetParameterCommand({ Name: '/a' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    const gateway = await ssm.send(new GetParameterCommand({ Name: '/a' })).catch((e: unknown) => e);
    expect((gateway as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(502);
    await expect(ssm.send(new GetParameterCommand({ Name: '/a' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    expect(peers.aws.calls('GetParameter').map((r) => [r.status, r.injected])).toEqual([
      [400, true],
      [400, true],
      [502, true],
      [400, false],
    ]);
    peers.aws.inject({ operation: 'PutParameter', errorType: 'AccessDeniedException' });
    await expect(
      ssm.send(new PutParameterCommand({ Name: '/x/y', Value: 'v', Type: 'String' })),
    ).rejects.toThrow(
      /is not authorized to perform: ssm:PutParameter on resource: arn:aws:ssm:eu-west-1:123456789012:parameter\/x\/y/,
    );
  });
});

describe('ECR', () => {
  it('hands out registry credentials with a plain-http proxyEndpoint', async () => {
    const token = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = token.authorizationData?.[0];
    expect(data?.proxyEndpoint).toBe(`http://${peers.registry.host}`);
    expect(Buffer.from(data?.authorizationToken ?? '', 'base64').toString()).toBe(
      `AWS:${peers.registry.password}`,
    );
    expect(data?.expiresAt).toBeInstanceOf(Date);
  });

  it('describes repositories and says which one is missing', async () => {
    peers.createRepository('hello-app');
    const found = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['hello-app'] }));
    expect(found.repositories?.[0]).toMatchObject({
      repositoryName: 'hello-app',
      repositoryUri: `${peers.registry.host}/hello-app`,
    });
    await expect(
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['missing-app'] })),
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message: "The repository with name 'missing-app' does not exist in the registry with id '123456789012'",
    });
    await expect(
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['Bad_Name!'] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers image queries from the real registry and retags', async () => {
    peers.createRepository('images');
    const digest = await pushTestImage(peers.registry, 'images', 'v1');
    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'images', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(described.imageDetails?.[0]).toMatchObject({ imageDigest: digest, imageTags: ['v1'] });
    expect(described.imageDetails?.[0]?.imageSizeInBytes).toBeGreaterThan(0);
    await expect(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'images', imageIds: [{ imageTag: 'nope' }] })),
    ).rejects.toMatchObject({ name: 'ImageNotFoundException' });

    const batch = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'images',
        imageIds: [{ imageDigest: digest }, { imageTag: 'nope' }],
      }),
    );
    expect(batch.images?.[0]?.imageId?.imageDigest).toBe(digest);
    expect(batch.failures?.[0]).toMatchObject({
      failureCode: 'ImageNotFound',
      imageId: { imageTag: 'nope' },
    });
    const manifest = batch.images?.[0]?.imageManifest ?? '';
    const put = await ecr.send(
      new PutImageCommand({ repositoryName: 'images', imageManifest: manifest, imageTag: 'stable' }),
    );
    expect(put.image?.imageId).toEqual({ imageDigest: digest, imageTag: 'stable' });
    await expect(
      ecr.send(
        new PutImageCommand({ repositoryName: 'images', imageManifest: manifest, imageTag: 'stable' }),
      ),
    ).rejects.toMatchObject({ name: 'ImageAlreadyExistsException' });
    const all = await ecr.send(new DescribeImagesCommand({ repositoryName: 'images' }));
    expect(all.imageDetails?.[0]?.imageTags).toEqual(['stable', 'v1']);
  });
});

describe('output validation', () => {
  it('refuses to send an answer the model does not allow, and fails stop()', async () => {
    const { startAwsServer } = await import('./server.js');
    const server = await startAwsServer();
    const original = server.ssm.handle.bind(server.ssm);
    server.ssm.handle = (operation, input, caller) =>
      operation === 'GetParameter'
        ? { Parameter: { Name: 'x', Version: 'one' } }
        : original(operation, input, caller);
    const client = new SSMClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: server.credentials.accessKeyId,
        secretAccessKey: server.credentials.secretAccessKey,
      },
      maxAttempts: 1,
    });
    await expect(client.send(new GetParameterCommand({ Name: '/a' }))).rejects.toMatchObject({
      name: 'InternalFailure',
    });
    expect(server.outputViolations[0]).toContain('output.Parameter.Version must be an integer');
    client.destroy();
    await expect(server.stop()).rejects.toThrow(/answers its model does not allow/);
  });
});

describe('environment', () => {
  it('is reachable by a client configured only through the variables the SDK reads', async () => {
    for (const [key, value] of Object.entries(peers.env)) vi.stubEnv(key, value);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    const client = new SSMClient({});
    try {
      await client.send(new PutParameterCommand({ Name: '/env/only', Value: 'v', Type: 'String' }));
      expect(peers.aws.requests.at(-1)).toMatchObject({
        operation: 'PutParameter',
        status: 200,
        region: 'eu-west-1',
      });
    } finally {
      client.destroy();
      vi.unstubAllEnvs();
    }
  });
});
