import { describe, expect, it } from 'vitest';
import { EcrState } from './ecr.js';
import { EcsState } from './ecs.js';
import { loadModel } from './model.js';
import { SsmState } from './ssm.js';

const ecs = loadModel('ecs-2014-11-13');
const ecr = loadModel('ecr-2015-09-21');
const ssm = loadModel('ssm-2014-11-06');

describe('vendored botocore models', () => {
  it('record the botocore version and hold the operations the server answers', () => {
    for (const model of [ecs, ecr, ssm]) expect(model.source).toMatch(/^botocore \d+\.\d+\.\d+$/);
    expect(ecs.operations).toEqual(
      expect.arrayContaining([
        'ListServiceDeployments',
        'DescribeServiceDeployments',
        'ContinueServiceDeployment',
        'StopServiceDeployment',
        'RunTask',
        'StopTask',
      ]),
    );
    expect(ecs.errors('ListServiceDeployments')).toContain('UnsupportedFeatureException');
  });

  it('checks enums, required members, unknown members and documented limits', () => {
    expect(
      ecs.validateInput('ContinueServiceDeployment', { serviceDeploymentArn: 'a', action: 'MAYBE' }),
    ).toEqual([
      "Missing required key 'hookId' in params",
      "Value 'MAYBE' at 'params.action' failed to satisfy constraint: Member must satisfy enum value set: [ROLLBACK, CONTINUE]",
    ]);
    expect(ecs.validateInput('StopTask', { task: 't', bogus: 1 })).toEqual([
      "Unexpected key 'bogus' found in params",
    ]);
    expect(ecs.validateInput('RunTask', { taskDefinition: 'x:1', count: 11 })).toEqual([
      "Value at 'params.count' failed to satisfy constraint: Member must have value less than or equal to 10",
    ]);
  });

  it('matches patterns against the whole value, lengths, types and timestamps', () => {
    expect(ecr.validateInput('DescribeRepositories', { repositoryNames: ['Bad_Name'] })[0]).toContain(
      'Member must satisfy regular expression pattern',
    );
    expect(ecr.validateInput('DescribeRepositories', { repositoryNames: ['good/name-1'] })).toEqual([]);
    expect(ssm.validateInput('GetParameterHistory', { Name: '', MaxResults: 1.5 })).toEqual([
      "Value at 'params.Name' failed to satisfy constraint: Member must have length greater than or equal to 1",
      'params.MaxResults must be an integer',
    ]);
    expect(
      ecs.validateInput('ListServiceDeployments', { service: 's', createdAt: { after: '2026-01-01' } }),
    ).toEqual(['params.createdAt.after must be a timestamp in epoch seconds']);
    expect(
      ecs.validateOutput('DescribeServiceDeployments', {
        serviceDeployments: [
          { status: 'DONE', createdAt: 1.5, targetServiceRevision: { runningTaskCount: 1 } },
        ],
      }),
    ).toEqual([
      "Value 'DONE' at 'output.serviceDeployments[0].status' failed to satisfy constraint: Member must satisfy enum value set: [PENDING, SUCCESSFUL, STOPPED, STOP_REQUESTED, IN_PROGRESS, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED]",
    ]);
  });

  it('lets outputs carry empty lists where the shape asks for one member (as SSM answers)', () => {
    expect(ssm.validateOutput('LabelParameterVersion', { InvalidLabels: [], ParameterVersion: 1 })).toEqual(
      [],
    );
    expect(ssm.validateInput('LabelParameterVersion', { Name: '/a', Labels: [] })).toHaveLength(1);
  });
});

describe('the server and its models', () => {
  it('answers every operation the vendored models hold (refresh-aws-models.py OPERATIONS = the served set)', async () => {
    const caller = {
      arn: 'arn:aws:iam::123456789012:user/t',
      region: 'eu-west-1',
      accountId: '123456789012',
    };
    const states = [
      { model: ssm, handle: (op: string) => new SsmState().handle(op, {}, caller) },
      { model: ecr, handle: (op: string) => new EcrState(undefined).handle(op, {}, caller) },
      { model: ecs, handle: (op: string) => new EcsState().handle(op, {}, caller) },
    ];
    for (const { model, handle } of states) {
      for (const operation of model.operations) {
        const outcome = await Promise.resolve()
          .then(() => handle(operation))
          .catch((error: { errorType?: string }) => error);
        expect(`${operation}: ${(outcome as { errorType?: string }).errorType}`).not.toBe(
          `${operation}: UnknownOperationException`,
        );
      }
    }
  });
});
