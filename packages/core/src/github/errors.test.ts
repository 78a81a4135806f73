import { describe, expect, it } from 'vitest';
import { ADAPTER_NAMES } from '../testing/names.js';
import { gitHubError } from './errors.js';

describe("GitHub errors name the adapter's inputs", () => {
  const fixOf = (status: number, names: typeof ADAPTER_NAMES) =>
    gitHubError(Object.assign(new Error('Not Found'), { status }), {
      action: 'read repository acme/infra',
      repo: 'acme/infra',
      baseUrl: 'https://api.github.com',
      names,
    }).fix;

  it('name the infra repository and the debug setting as the adapter passed them', () => {
    expect(fixOf(404, ADAPTER_NAMES)).toMatch(
      /^Check the infra repository name \(<infraRepository> \/ HOSTING_INFRA_REPO\)\./,
    );
    expect(fixOf(418, ADAPTER_NAMES)).toMatch(/re-run with <debug> for details\.$/);
  });
});
