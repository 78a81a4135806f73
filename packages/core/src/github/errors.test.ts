import { describe, expect, it } from 'vitest';
import { ACTION_ADAPTER_NAMES, CLI_ADAPTER_NAMES } from '../testing/names.js';
import { gitHubError } from './errors.js';

describe("GitHub errors name the adapter's inputs", () => {
  const fixOf = (status: number, names: typeof CLI_ADAPTER_NAMES) =>
    gitHubError(Object.assign(new Error('Not Found'), { status }), {
      action: 'read repository acme/infra',
      repo: 'acme/infra',
      baseUrl: 'https://api.github.com',
      names,
    }).fix;

  it('the CLI its flags, the Action its inputs', () => {
    expect(fixOf(404, CLI_ADAPTER_NAMES)).toMatch(
      /^Check the infra repository name \(--infra-repo \/ HOSTING_INFRA_REPO\)\./,
    );
    expect(fixOf(404, ACTION_ADAPTER_NAMES)).toMatch(
      /^Check the infra repository name \(infra-repository \/ HOSTING_INFRA_REPO\)\./,
    );
    expect(fixOf(418, CLI_ADAPTER_NAMES)).toMatch(/re-run with --debug for details\.$/);
    expect(fixOf(418, ACTION_ADAPTER_NAMES)).toMatch(/re-run with ACTIONS_STEP_DEBUG=true for details\.$/);
  });
});
