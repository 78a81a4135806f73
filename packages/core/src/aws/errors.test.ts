import { describe, expect, it } from 'vitest';
import { ACTION_ADAPTER_NAMES, CLI_ADAPTER_NAMES } from '../testing/names.js';
import { mapAwsError } from './errors.js';

const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

describe("AWS errors name the adapter's settings", () => {
  const fixOf = (name: string, names: typeof CLI_ADAPTER_NAMES, message?: string) =>
    mapAwsError(sdkError(name, message), {
      service: 'ecr',
      action: 'DescribeRepositories',
      region: 'eu-west-1',
      resource: 'hello-app',
      names,
    }).fix;

  it('as the CLI calls them: its flags', () => {
    expect(fixOf('RepositoryNotFoundException', CLI_ADAPTER_NAMES)).toBe(
      'Create it (aws ecr create-repository --repository-name hello-app --region eu-west-1), or pass the right name with --repository and the right region with AWS_REGION/--region.',
    );
    expect(fixOf('AccessDeniedException', CLI_ADAPTER_NAMES)).toMatch(/has it \(--profile, AWS_PROFILE\)\.$/);
    expect(fixOf('CredentialsProviderError', CLI_ADAPTER_NAMES, 'Could not load credentials')).toMatch(
      /^Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile \(or set AWS_PROFILE; for SSO/,
    );
    expect(fixOf('ImageTagAlreadyExistsException', CLI_ADAPTER_NAMES)).toContain('a new commit or --version');
    expect(fixOf('SomethingNew', CLI_ADAPTER_NAMES)).toMatch(/^Re-run with --debug;/);
  });

  it('as the Action calls them: its inputs, and the variables where it has no input', () => {
    expect(fixOf('RepositoryNotFoundException', ACTION_ADAPTER_NAMES)).toBe(
      'Create it (aws ecr create-repository --repository-name hello-app --region eu-west-1), or pass the right name with repository and the right region with AWS_REGION.',
    );
    expect(fixOf('AccessDeniedException', ACTION_ADAPTER_NAMES)).toMatch(/has it \(AWS_PROFILE\)\.$/);
    expect(fixOf('CredentialsProviderError', ACTION_ADAPTER_NAMES, 'Could not load credentials')).toMatch(
      /^Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set AWS_PROFILE \(for SSO/,
    );
    expect(fixOf('ImageTagAlreadyExistsException', ACTION_ADAPTER_NAMES)).toContain(
      'a new commit or version',
    );
    expect(fixOf('SomethingNew', ACTION_ADAPTER_NAMES)).toMatch(/^Re-run with ACTIONS_STEP_DEBUG=true;/);
  });
});
