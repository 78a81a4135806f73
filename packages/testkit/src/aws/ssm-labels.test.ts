import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  SSMClient,
  UnlabelParameterVersionCommand,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsTestServer, startAwsServer } from './server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let aws: AwsTestServer;
let ssm: SSMClient;

beforeAll(async () => {
  aws = await startAwsServer();
  ssm = new SSMClient({
    endpoint: aws.url,
    region: 'eu-west-1',
    credentials: {
      accessKeyId: aws.credentials.accessKeyId,
      secretAccessKey: aws.credentials.secretAccessKey,
    },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  ssm?.destroy();
  await aws?.stop();
});

describe('SSM labels', () => {
  it('moves a label between versions; GetParameter name:label and the history follow it', async () => {
    const name = '/shared-hosting/hello-app/staging/version';
    for (const value of ['v1', 'v2', 'v3']) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
    }
    const first = await ssm.send(
      new LabelParameterVersionCommand({ Name: name, ParameterVersion: 2, Labels: ['deployed'] }),
    );
    expect(first).toMatchObject({ ParameterVersion: 2, InvalidLabels: [] });
    const atLabel = await ssm.send(new GetParameterCommand({ Name: `${name}:deployed` }));
    expect(atLabel.Parameter).toMatchObject({ Value: 'v2', Version: 2, Selector: ':deployed' });

    // Without a version the latest is labelled, and the label leaves version 2.
    const moved = await ssm.send(
      new LabelParameterVersionCommand({ Name: name, Labels: ['deployed', '1bad', 'awsx'] }),
    );
    expect(moved).toMatchObject({ ParameterVersion: 3, InvalidLabels: ['1bad', 'awsx'] });
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: name }));
    expect(history.Parameters?.map((p) => [p.Version, p.Labels])).toEqual([
      [1, []],
      [2, []],
      [3, ['deployed']],
    ]);
    expect(aws.ssm.labels(name)).toEqual({ deployed: 3 });
    expect((await ssm.send(new GetParameterCommand({ Name: `${name}:deployed` }))).Parameter?.Value).toBe(
      'v3',
    );

    const removed = await ssm.send(
      new UnlabelParameterVersionCommand({ Name: name, ParameterVersion: 3, Labels: ['deployed', 'other'] }),
    );
    expect(removed).toMatchObject({ RemovedLabels: ['deployed'], InvalidLabels: ['other'] });
    await expect(ssm.send(new GetParameterCommand({ Name: `${name}:deployed` }))).rejects.toMatchObject({
      name: 'ParameterVersionNotFound',
    });
  });

  it('names the missing parameter or version, and refuses more than 10 labels', async () => {
    await expect(
      ssm.send(new LabelParameterVersionCommand({ Name: '/nope', Labels: ['deployed'] })),
    ).rejects.toMatchObject({ name: 'ParameterNotFound' });
    aws.ssm.seed('/labels/limit', 'v1');
    await expect(
      ssm.send(
        new LabelParameterVersionCommand({ Name: '/labels/limit', ParameterVersion: 9, Labels: ['x'] }),
      ),
    ).rejects.toMatchObject({ name: 'ParameterVersionNotFound' });
    await expect(
      ssm.send(
        new LabelParameterVersionCommand({
          Name: '/labels/limit',
          Labels: Array.from({ length: 11 }, (_, i) => `l${i}`),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
    await ssm.send(new LabelParameterVersionCommand({ Name: '/labels/limit', Labels: ten }));
    await expect(
      ssm.send(new LabelParameterVersionCommand({ Name: '/labels/limit', Labels: ['one-more'] })),
    ).rejects.toMatchObject({ name: 'ParameterVersionLabelLimitExceeded' });
  });
});
