import { describe, expect, it } from 'vitest';
import { ADAPTER_NAMES, ADAPTER_NAMES_WITHOUT_AWS } from '../testing/names.js';
import { mapAwsError } from './errors.js';

const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name });

describe("AWS errors name the adapter's settings", () => {
  const fixOf = (name: string, names: typeof ADAPTER_NAMES, message?: string) =>
    mapAwsError(sdkError(name, message), {
      service: 'ecr',
      action: 'DescribeRepositories',
      region: 'eu-west-1',
      resource: 'hello-app',
      names,
    }).fix;

  it('name each setting as the adapter passed it', () => {
    expect(fixOf('RepositoryNotFoundException', ADAPTER_NAMES)).toBe(
      'Create it (aws ecr create-repository --repository-name hello-app --region eu-west-1), or pass the right name with <repository> and the right region with AWS_REGION/<region>.',
    );
    expect(fixOf('AccessDeniedException', ADAPTER_NAMES)).toMatch(/has it \(<profile>, AWS_PROFILE\)\.$/);
    expect(fixOf('CredentialsProviderError', ADAPTER_NAMES, 'Could not load credentials')).toMatch(
      /^Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass <profile> \(or set AWS_PROFILE; for SSO/,
    );
    expect(fixOf('ImageTagAlreadyExistsException', ADAPTER_NAMES)).toContain('a new commit or <version>');
    expect(fixOf('SomethingNew', ADAPTER_NAMES)).toMatch(/^Re-run with <debug>;/);
  });

  it('name the variables alone where the adapter has no region or profile setting', () => {
    expect(fixOf('RepositoryNotFoundException', ADAPTER_NAMES_WITHOUT_AWS)).toBe(
      'Create it (aws ecr create-repository --repository-name hello-app --region eu-west-1), or pass the right name with <repository> and the right region with AWS_REGION.',
    );
    expect(fixOf('AccessDeniedException', ADAPTER_NAMES_WITHOUT_AWS)).toMatch(/has it \(AWS_PROFILE\)\.$/);
    expect(
      fixOf('CredentialsProviderError', ADAPTER_NAMES_WITHOUT_AWS, 'Could not load credentials'),
    ).toMatch(/^Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set AWS_PROFILE \(for SSO/);
    expect(fixOf('ImageTagAlreadyExistsException', ADAPTER_NAMES_WITHOUT_AWS)).toContain(
      'a new commit or <version>',
    );
    expect(fixOf('SomethingNew', ADAPTER_NAMES_WITHOUT_AWS)).toMatch(/^Re-run with <debug>;/);
  });
});
