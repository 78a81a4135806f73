/**
 * The infra repository's side of a deployment, as its rollout does it (design.md, "The rollout"), as the
 * GitHub peer's run executor: each run reads the version parameter when it starts (step "Read version"),
 * deploys, and moves the SSM label `deployed` to the parameter version it read (step "Record deployed"),
 * before the run completes. Tests compare every report with what each run really rolled out.
 */
import type { AwsPeers, RunExecutor } from '@shared-hosting/testkit';

interface RolledOut {
  /** The parameter version and value the run read when it started. */
  version: number;
  value: string;
}

export interface InfraSide {
  executor: RunExecutor;
  /** What the run read at its start (undefined for a run not executed, e.g. a simulated failure). */
  readBy(runId: number): RolledOut | undefined;
}

export function infraSide(aws: AwsPeers, parameter: string): InfraSide {
  const read = new Map<number, RolledOut>();
  const versions = () => aws.aws.ssm.parameters.get(parameter) ?? [];
  const executor: RunExecutor = async (run, io) => {
    const target = await io.step('Read version', () => {
      const current = versions().at(-1);
      if (!current) throw new Error(`${parameter} does not exist`);
      return { version: current.Version, value: current.Value };
    });
    read.set(run.id, target);
    await io.step('Deploy application', ({ log }) => log(`rolling out ${target.value}`));
    await io.step('Record deployed', () => {
      // LabelParameterVersion, as the rollout calls it: the label moves from any other version.
      const caller = {
        arn: 'arn:aws:iam::123456789012:role/infra',
        region: aws.region,
        accountId: aws.aws.accountId,
      };
      aws.aws.ssm.handle(
        'LabelParameterVersion',
        { Name: parameter, ParameterVersion: target.version, Labels: ['deployed'] },
        caller,
      );
    });
  };
  return { executor, readBy: (id) => read.get(id) };
}
