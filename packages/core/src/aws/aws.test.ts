import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AwsPeers, pushTestImage, startAwsPeers } from '@shared-hosting/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostingError, InputError } from '../errors/errors.js';
import { ADAPTER_NAMES } from '../testing/names.js';
import { type AwsPorts, createAwsPorts } from './index.js';

const emitWarning = vi.spyOn(process, 'emitWarning');

let peers: AwsPeers;
let aws: AwsPorts;
const fast = { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5 };

beforeAll(async () => {
  peers = await startAwsPeers({ region: 'eu-west-1' });
  aws = await createAwsPorts({ names: ADAPTER_NAMES, env: peers.env, retry: fast });
});
afterAll(async () => {
  await peers?.stop();
});
beforeEach(() => {
  peers.aws.clearInjections();
  peers.aws.clearRequests();
});

async function failure(promise: Promise<unknown>): Promise<HostingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostingError);
  return error as HostingError;
}

describe('createAwsPorts', () => {
  it('never shows the SDK NodeVersionSupportWarning', () => {
    const warnings = emitWarning.mock.calls.map((args) => String(args[0]));
    expect(warnings.filter((w) => w.includes('NodeVersionSupportWarning'))).toEqual([]);
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
  });

  it('uses the region of the environment', () => {
    expect(aws.region).toBe('eu-west-1');
  });

  it('names AWS_REGION when there is no region', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    try {
      const { AWS_REGION: _r, ...env } = peers.env;
      const error = await failure(createAwsPorts({ names: ADAPTER_NAMES, env }));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('AWS_REGION');
      expect(error.fix).toContain('export AWS_REGION=');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses a region that is not an AWS region name, naming where it came from, before any request', async () => {
    const cases: Array<[{ region?: string; env: Record<string, string | undefined> }, string]> = [
      [{ region: 'eu-west-1;id', env: peers.env }, '<region>'],
      [{ region: 'EU-WEST-1', env: peers.env }, '<region>'],
      [{ region: 'eu-west-1;id', env: { ...peers.env, AWS_REGION: 'eu-west-1;id' } }, 'AWS_REGION'],
      [{ env: { ...peers.env, AWS_REGION: 'eu west 1' } }, 'AWS_REGION'],
      [{ env: { ...peers.env, AWS_REGION: undefined, AWS_DEFAULT_REGION: '../x' } }, 'AWS_DEFAULT_REGION'],
    ];
    for (const [options, input] of cases) {
      const error = await failure(createAwsPorts({ names: ADAPTER_NAMES, ...options, retry: fast }));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe(input);
      expect(error.message).toContain('is not an AWS region name');
      expect(error.fix).toContain('eu-west-1');
    }
    expect(peers.aws.requests).toHaveLength(0);
    for (const region of ['us-gov-west-1', 'us-isob-east-1', 'cn-north-1', 'ap-southeast-5']) {
      expect((await createAwsPorts({ names: ADAPTER_NAMES, region, env: peers.env })).region).toBe(region);
    }
  });

  it("refuses a profile's region that is not an AWS region name", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aws-profile-'));
    await writeFile(path.join(dir, 'config'), '[profile bad]\nregion = eu-west-1;id\n');
    vi.stubEnv('AWS_CONFIG_FILE', path.join(dir, 'config'));
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    try {
      const { AWS_REGION: _r, ...env } = peers.env;
      const error = await failure(createAwsPorts({ names: ADAPTER_NAMES, profile: 'bad', env }));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('the region of AWS profile "bad"');
      expect(peers.aws.requests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports missing credentials with the ways to provide them', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);
    try {
      // Found once, before any request: not again at every call.
      const error = await failure(
        createAwsPorts({
          names: ADAPTER_NAMES,
          env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: peers.env.AWS_ENDPOINT_URL },
          retry: fast,
        }),
      );
      expect(error.code).toBe('AWS_CREDENTIALS_MISSING');
      expect(error.fix).toContain('<profile>');
      expect(peers.aws.requests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('fails within its deadline, naming the source, when the credential chain waits on an endpoint that never answers', async () => {
    const requests: string[] = [];
    const silent = http.createServer((req) => requests.push(req.url ?? ''));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', `http://127.0.0.1:${port}/credentials`);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const started = Date.now();
      const options = { env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: peers.env.AWS_ENDPOINT_URL } };
      // The deadline is shortened here; the default (3 s) is checked below.
      const error = await failure(
        createAwsPorts({ names: ADAPTER_NAMES, ...options, credentialsDeadlineMs: 500 }),
      );
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(error.code).toBe('AWS_CREDENTIALS_TIMEOUT');
      expect(error.kind).toBe('remote');
      expect(error.message).toContain('AWS_CONTAINER_CREDENTIALS_FULL_URI');
      expect(error.fix).toContain('unset AWS_CONTAINER_CREDENTIALS_FULL_URI');
      expect(requests).toEqual(['/credentials']);
      expect(peers.aws.requests).toHaveLength(0);
      const { CREDENTIALS_DEADLINE_MS } = await import('./credentials.js');
      expect(CREDENTIALS_DEADLINE_MS).toBe(3_000);
    } finally {
      warn.mockRestore();
      vi.unstubAllEnvs();
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('uses a profile from the shared config files (region and keys), silently even with keys in the env', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aws-profile-'));
    await writeFile(path.join(dir, 'config'), '[profile testkit]\nregion = eu-central-1\n');
    await writeFile(
      path.join(dir, 'credentials'),
      `[testkit]\naws_access_key_id = ${peers.env.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${peers.env.AWS_SECRET_ACCESS_KEY}\n`,
    );
    vi.stubEnv('AWS_CONFIG_FILE', path.join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(dir, 'credentials'));
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    // Other static keys in the environment: the explicit profile wins, and the SDK's warning stays out of sight.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAOTHERKEYS');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'other');
    const warn = vi.spyOn(console, 'warn');
    const debug: string[] = [];
    try {
      const ports = await createAwsPorts({
        names: ADAPTER_NAMES,
        profile: 'testkit',
        env: { AWS_ENDPOINT_URL: peers.env.AWS_ENDPOINT_URL },
        debug: (m) => debug.push(m),
      });
      expect(ports.region).toBe('eu-central-1');
      await ports.parameters.put('/shared-hosting/profile/dev/version', 'p1', 'via profile');
      expect(peers.aws.requests.at(-1)).toMatchObject({ status: 200, region: 'eu-central-1' });
      expect(warn).not.toHaveBeenCalled();

      vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
      const error = await failure(
        createAwsPorts({
          names: ADAPTER_NAMES,
          profile: 'nope',
          region: 'eu-west-1',
          env: { AWS_ENDPOINT_URL: peers.env.AWS_ENDPOINT_URL },
          retry: fast,
        }),
      );
      expect(error.code).toBe('AWS_CREDENTIALS_MISSING');
      expect(error.message).toContain('profile "nope"');
    } finally {
      warn.mockRestore();
      vi.unstubAllEnvs();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('error catalog', () => {
  it('lists every code the AWS implementation produces', async () => {
    const { errorCatalog } = await import('../errors/catalog.js');
    const listed = new Set(errorCatalog.map((e) => e.code));
    const { AWS_ERRORS } = await import('./errors.js');
    const codes = new Set(AWS_ERRORS.map((r) => r.code));
    for (const file of ['ecr.ts', 'ssm.ts']) {
      const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
      for (const m of text.matchAll(
        /new (?:PreconditionError|RemoteError)\(\s*(?:'(?:ssm|ecr)',\s*)?'([A-Z_]+)'/g,
      )) {
        if (m[1]) codes.add(m[1]);
      }
    }
    expect(codes.size).toBeGreaterThan(15);
    expect([...codes].filter((c) => !listed.has(c))).toEqual([]);
  });
});

describe('ParameterStore (SSM)', () => {
  const name = '/shared-hosting/hello-app/staging/version';

  it('reads nothing, writes versions with descriptions, and lists the history newest first', async () => {
    expect(await aws.parameters.get(name)).toBeUndefined();
    expect(await aws.parameters.history(name)).toEqual([]);
    expect(await aws.parameters.put(name, 'abc123', 'commit abc123')).toEqual({ version: 1 });
    expect(await aws.parameters.put(name, 'def456', 'commit def456, digest sha256:1')).toEqual({
      version: 2,
    });
    const current = await aws.parameters.get(name);
    expect(current).toMatchObject({ name, value: 'def456', version: 2 });
    expect(current?.lastModified).toBeInstanceOf(Date);
    const history = await aws.parameters.history(name);
    expect(history.map((h) => [h.version, h.value, h.description])).toEqual([
      [2, 'def456', 'commit def456, digest sha256:1'],
      [1, 'abc123', 'commit abc123'],
    ]);
    expect(history[0]?.lastModifiedUser).toContain(':user/');
    expect(peers.aws.calls('PutParameter').map((r) => r.params)).toContainEqual({
      Name: name,
      Value: 'abc123',
      Type: 'String',
      Overwrite: true,
      Description: 'commit abc123',
    });
  });

  it('pages through a long history and honours the limit', async () => {
    const long = '/shared-hosting/long/prod/version';
    for (let i = 1; i <= 60; i++) peers.aws.ssm.seed(long, `v${i}`, { description: `d${i}` });
    const all = await aws.parameters.history(long, 100);
    expect(all).toHaveLength(60);
    expect(all[0]).toMatchObject({ version: 60, value: 'v60' });
    expect(peers.aws.calls('GetParameterHistory')).toHaveLength(2);
    expect((await aws.parameters.history(long, 3)).map((h) => h.version)).toEqual([60, 59, 58]);
  });

  it('cuts a description to the 1024 characters SSM allows', async () => {
    await aws.parameters.put('/shared-hosting/long-desc/dev/version', 'v', 'x'.repeat(2000));
    const [latest] = await aws.parameters.history('/shared-hosting/long-desc/dev/version');
    expect(latest?.description).toHaveLength(1024);
  });

  it('survives a burst of throttling, 502 and 500', async () => {
    peers.aws.inject({ operation: 'PutParameter', errorType: 'ThrottlingException', times: 3 });
    peers.aws.inject({ operation: 'PutParameter', status: 502, times: 2 });
    peers.aws.inject({ operation: 'PutParameter', errorType: 'InternalServerError', times: 1 });
    const written = await aws.parameters.put('/shared-hosting/burst/prod/version', 'v1', 'burst');
    expect(written.version).toBe(1);
    expect(peers.aws.calls('PutParameter').map((r) => r.status)).toEqual([400, 400, 400, 502, 502, 500, 200]);
    peers.aws.inject({ operation: 'GetParameter', status: 503, times: 4 });
    expect((await aws.parameters.get('/shared-hosting/burst/prod/version'))?.value).toBe('v1');
  });

  it('retries a request that times out', async () => {
    const warn = vi.spyOn(console, 'warn');
    const ports = await createAwsPorts({
      names: ADAPTER_NAMES,
      env: peers.env,
      retry: fast,
      requestTimeoutMs: 150,
    });
    peers.aws.ssm.seed('/shared-hosting/slow/prod/version', 'slow-v1');
    peers.aws.inject({ operation: 'GetParameter', errorType: 'InternalServerError', delayMs: 400, times: 1 });
    expect((await ports.parameters.get('/shared-hosting/slow/prod/version'))?.value).toBe('slow-v1');
    // The slow answer is logged when it is finally sent, after the retry's.
    await vi.waitFor(() => expect(peers.aws.calls('GetParameter')).toHaveLength(2), { timeout: 2_000 });
    const calls = peers.aws.calls('GetParameter');
    expect(calls.map((c) => c.injected)).toEqual([false, true]); // logged when answered: the retry first
    expect(calls[0]?.status).toBe(200);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('gives up on endless throttling with a clear error', async () => {
    const ports = await createAwsPorts({
      names: ADAPTER_NAMES,
      env: peers.env,
      retry: { maxAttempts: 3, baseDelayMs: 1 },
    });
    peers.aws.inject({ operation: 'GetParameter', errorType: 'ThrottlingException', times: 10 });
    const error = await failure(ports.parameters.get('/a/b'));
    expect(error.code).toBe('AWS_THROTTLED');
    expect(error.message).toBe('AWS kept throttling ssm:GetParameter after 3 attempts.');
    peers.aws.clearInjections();
    peers.aws.inject({ operation: 'GetParameter', status: 502, times: 10 });
    const gateway = await failure(ports.parameters.get('/a/b'));
    expect(gateway.code).toBe('AWS_UNAVAILABLE');
    expect(gateway.message).toContain('HTTP 502');
    expect(gateway.fix).toContain(peers.env.AWS_ENDPOINT_URL);
  });

  it('turns SSM refusals into messages that say what to do', async () => {
    peers.aws.inject({ operation: 'PutParameter', errorType: 'AccessDeniedException' });
    const denied = await failure(aws.parameters.put('/shared-hosting/app/prod/version', 'v', 'd'));
    expect(denied.code).toBe('AWS_ACCESS_DENIED');
    expect(denied.message).toContain('ssm:PutParameter');
    expect(denied.message).toContain('arn:aws:iam::123456789012:user/testkit-deployer');
    expect(denied.fix).toMatch(
      /Add "ssm:PutParameter" to the IAM policy of arn:aws:iam::123456789012:user\/testkit-deployer/,
    );

    peers.aws.inject({ operation: 'PutParameter', errorType: 'TooManyUpdates', times: 10 });
    const busy = await failure(aws.parameters.put('/shared-hosting/app/prod/version', 'v', 'd'));
    expect(busy.code).toBe('SSM_TOO_MANY_UPDATES');
    expect(busy.fix).toMatch(/wait for it to finish/);
    expect(peers.aws.calls('PutParameter').filter((r) => r.errorType === 'TooManyUpdates')).toHaveLength(4);
    peers.aws.clearInjections();

    peers.aws.ssm.seed('/shared-hosting/secret/prod/version', 'x', { type: 'SecureString' });
    const mismatch = await failure(aws.parameters.put('/shared-hosting/secret/prod/version', 'v', 'd'));
    expect(mismatch.code).toBe('SSM_PARAMETER_TYPE_MISMATCH');
    expect(mismatch.fix).toContain('<parameter>');

    for (const [errorType, code] of [
      ['ParameterLimitExceeded', 'SSM_PARAMETER_LIMIT_EXCEEDED'],
      ['ParameterMaxVersionLimitExceeded', 'SSM_PARAMETER_VERSION_LIMIT'],
      ['ExpiredTokenException', 'AWS_CREDENTIALS_EXPIRED'],
      ['UnrecognizedClientException', 'AWS_CREDENTIALS_INVALID'],
    ] as const) {
      peers.aws.inject({ operation: 'PutParameter', errorType });
      const error = await failure(aws.parameters.put('/shared-hosting/app/prod/version', 'v', 'd'));
      expect(error.code).toBe(code);
      expect(error.fix).toBeTruthy();
    }
  });
});

describe('ParameterStore (SSM): labels, create and delete', () => {
  it('labels a version, lists the labels in the history, and moves a label to a newer version', async () => {
    const name = '/shared-hosting/labels/prod/version';
    await aws.parameters.put(name, 'v1', 'first');
    await aws.parameters.put(name, 'v2', 'second');
    await aws.parameters.label(name, 1, ['previous', 'stable']);
    expect(peers.aws.calls('LabelParameterVersion').map((r) => r.params)).toEqual([
      { Name: name, ParameterVersion: 1, Labels: ['previous', 'stable'] },
    ]);
    expect((await aws.parameters.history(name)).map((h) => [h.version, h.labels])).toEqual([
      [2, []],
      [1, ['previous', 'stable']],
    ]);
    await aws.parameters.label(name, 2, ['stable']);
    expect((await aws.parameters.history(name)).map((h) => [h.version, h.labels])).toEqual([
      [2, ['stable']],
      [1, ['previous']],
    ]);
  });

  it('names a label SSM refuses, and a version that does not exist', async () => {
    const name = '/shared-hosting/badlabel/prod/version';
    await aws.parameters.put(name, 'v1', 'first');
    const invalid = await failure(aws.parameters.label(name, 1, ['ok', 'aws-reserved']));
    expect(invalid.code).toBe('AWS_VALIDATION');
    expect(invalid.message).toBe(`SSM rejected the label "aws-reserved" for version 1 of ${name}.`);
    expect(invalid.fix).toContain('does not start with a digit, "aws" or "ssm"');
    const missing = await failure(aws.parameters.label(name, 7, ['ok']));
    expect(missing.code).toBe('AWS_REQUEST_FAILED');
    expect(missing.message).toContain('could not find version 7');
  });

  it('retries a label through TooManyUpdates', async () => {
    const name = '/shared-hosting/busylabel/prod/version';
    await aws.parameters.put(name, 'v1', 'first');
    peers.aws.inject({ operation: 'LabelParameterVersion', errorType: 'TooManyUpdates', times: 2 });
    await aws.parameters.label(name, 1, ['current']);
    expect(peers.aws.calls('LabelParameterVersion').map((r) => r.status)).toEqual([400, 400, 200]);
    expect((await aws.parameters.history(name))[0]?.labels).toEqual(['current']);
  });

  it('creates a parameter without overwriting, and answers "exists" when it is there', async () => {
    const name = '/shared-hosting/lock/prod/lock';
    expect(await aws.parameters.create(name, 'holder-1', 'lock of prod')).toEqual({ version: 1 });
    expect(await aws.parameters.create(name, 'holder-2', 'lock of prod')).toBe('exists');
    expect((await aws.parameters.get(name))?.value).toBe('holder-1');
    expect(peers.aws.calls('PutParameter').map((r) => r.params)).toEqual([
      { Name: name, Value: 'holder-1', Type: 'String', Description: 'lock of prod' },
      { Name: name, Value: 'holder-2', Type: 'String', Description: 'lock of prod' },
    ]);
    peers.aws.inject({ operation: 'PutParameter', errorType: 'AccessDeniedException' });
    const denied = await failure(aws.parameters.create('/shared-hosting/lock/dev/lock', 'h', 'd'));
    expect(denied.code).toBe('AWS_ACCESS_DENIED');
  });

  it('deletes a parameter, and a missing one is fine', async () => {
    const name = '/shared-hosting/gone/prod/lock';
    await aws.parameters.create(name, 'holder', 'lock');
    await aws.parameters.delete(name);
    expect(await aws.parameters.get(name)).toBeUndefined();
    await expect(aws.parameters.delete(name)).resolves.toBeUndefined();
    expect(peers.aws.calls('DeleteParameter').map((r) => [r.status, r.errorType])).toEqual([
      [200, undefined],
      [400, 'ParameterNotFound'],
    ]);
    expect(await aws.parameters.create(name, 'next', 'lock')).toEqual({ version: 1 });
    peers.aws.inject({ operation: 'DeleteParameter', errorType: 'AccessDeniedException' });
    const denied = await failure(aws.parameters.delete(name));
    expect(denied.code).toBe('AWS_ACCESS_DENIED');
    expect(denied.message).toContain('ssm:DeleteParameter');
  });
});

describe('Registry (ECR)', () => {
  it('logs in with the proxyEndpoint host; http means insecure', async () => {
    const auth = await aws.registry.getAuthorization();
    expect(auth).toMatchObject({
      registry: peers.registry.host,
      username: 'AWS',
      password: peers.registry.password,
      insecure: true,
    });
    expect(auth.expiresAt).toBeInstanceOf(Date);
  });

  it('describes a repository, and names a missing one with its region', async () => {
    peers.createRepository('hello-app');
    expect(await aws.registry.describeRepository('hello-app')).toMatchObject({
      name: 'hello-app',
      uri: `${peers.registry.host}/hello-app`,
      registryId: '123456789012',
    });
    const error = await failure(aws.registry.describeRepository('missing-app'));
    expect(error.code).toBe('ECR_REPOSITORY_NOT_FOUND');
    expect(error.kind).toBe('precondition');
    expect(error.message).toBe('The ECR repository "missing-app" does not exist in region eu-west-1.');
    expect(error.fix).toContain('aws ecr create-repository --repository-name missing-app --region eu-west-1');
    const inImages = await failure(aws.registry.findImage('missing-app', 'v1'));
    expect(inImages.code).toBe('ECR_REPOSITORY_NOT_FOUND');
    peers.aws.inject({ operation: 'DescribeRepositories', errorType: 'AccessDeniedException' });
    const denied = await failure(aws.registry.describeRepository('hello-app'));
    expect(denied.code).toBe('AWS_ACCESS_DENIED');
    expect(denied.message).toBe(
      'AWS denied ecr:DescribeRepositories to arn:aws:iam::123456789012:user/testkit-deployer on arn:aws:ecr:eu-west-1:123456789012:repository/hello-app.',
    );
    expect(denied.fix).toContain('Add "ecr:DescribeRepositories" to the IAM policy');
  });

  it('finds images by tag and digest from the registry, and tags them again', async () => {
    peers.createRepository('tagged');
    expect(await aws.registry.findImage('tagged', 'abc')).toBeUndefined();
    const digest = await pushTestImage(peers.registry, 'tagged', 'abc');
    const found = await aws.registry.findImage('tagged', 'abc');
    expect(found).toMatchObject({ repository: 'tagged', tag: 'abc', digest, tags: ['abc'] });
    expect(await aws.registry.findImageByDigest('tagged', digest)).toMatchObject({ digest });
    const retagged = await aws.registry.tagImage('tagged', digest, 'staging');
    expect(retagged).toMatchObject({ digest, tag: 'staging' });
    expect([...retagged.tags].sort()).toEqual(['abc', 'staging']);
    // Tagging again is fine (ImageAlreadyExists tolerated).
    await expect(aws.registry.tagImage('tagged', digest, 'staging')).resolves.toMatchObject({ digest });
  });

  it('retries DescribeImages through throttling', async () => {
    peers.createRepository('throttled');
    peers.aws.inject({ operation: 'DescribeImages', errorType: 'ThrottlingException', times: 4 });
    expect(await aws.registry.findImage('throttled', 'none')).toBeUndefined();
    expect(peers.aws.calls('DescribeImages')).toHaveLength(5);
  });
});
