import {
  type DeployPlan,
  execute,
  plan as makePlan,
  parseDeployInputs,
  type ReleaseResult,
} from '@shared-hosting/core';
import { createFakes, fakePorts } from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { fakeCore } from '../test/fake-core.js';
import { ACTION_INPUT_NAMES } from './inputs.js';
import { ActionReporter } from './reporter.js';
import { cleanLogLine, escapeHtml, renderSummary } from './summary.js';

function planFor(): DeployPlan {
  const options = parseDeployInputs(
    { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra', version: 'v1' },
    ACTION_INPUT_NAMES,
    '/work',
  );
  return makePlan(options, {
    commit: 'a'.repeat(40),
    dirty: false,
    repositoryUrl: 'https://github.test/acme/hello-app',
    actor: 'octocat',
    runUrl: undefined,
    ci: 'github-actions',
  });
}

async function deploy(configure?: (f: ReturnType<typeof createFakes>) => void) {
  const fakes = createFakes();
  fakes.registry.repositories.add('hello-app');
  await fakes.parameters.put('/shared-hosting/hello-app/staging/version', 'v0', 'before');
  configure?.(fakes);
  const core = fakeCore();
  const reporter = new ActionReporter(core, { owner: 'acme', repo: 'infra' });
  const result = await execute(planFor(), fakePorts(fakes, reporter), {});
  return { result, core };
}

describe('job summary', () => {
  it('shows what was deployed, the parameter change, the run link, the conclusion and step times', async () => {
    const { result, core } = await deploy();
    expect(result.status).toBe('succeeded');
    const md = renderSummary({ command: 'deploy', result });
    expect(md).toContain('## ✅ Deployed hello-app v1 to staging');
    expect(md).toContain('<code>registry.example.test/hello-app:v1</code>');
    expect(md).toContain(`<code>${result.digest}</code>`);
    expect(md).toContain(
      '<code>/shared-hosting/hello-app/staging/version</code>: <code>v0</code> → <code>v1</code> (version 2)',
    );
    expect(md).toMatch(/<a href="https:\/\/github\.test\/acme\/infra\/actions\/runs\/\d+">run \d+<\/a>/);
    expect(md).toContain('<tr><td>Conclusion</td><td>success</td></tr>');
    expect(md).toContain('<tr><td>Wait for infra deployment</td><td>✅ done</td><td>30s</td>');
    // The registry password was masked through the reporter, and the log has one group per step.
    expect(core.log).toContain('mask ecr-secret-password');
    expect(core.log.filter((l) => l.startsWith('group '))).toContain('group Build image');
  });

  it('on failure names the failed job and step and shows the end of its log', async () => {
    const { result } = await deploy((f) => {
      f.workflows.next = {
        conclusion: 'failure',
        failedJobs: [
          {
            name: 'deploy',
            url: 'https://github.test/acme/infra/actions/runs/1000/job/7',
            conclusion: 'failure',
            step: 'Update ECS service',
            logTail: ['Error: service <hello-app> not stable'],
          },
        ],
      };
    });
    expect(result.status).toBe('failed');
    const md = renderSummary({ command: 'deploy', result });
    expect(md).toContain('## ❌ Deployment of hello-app v1 to staging failed');
    expect(md).toContain('<tr><td>Conclusion</td><td>failure</td></tr>');
    expect(md).toContain('Step <b>Report</b>.');
    expect(md).toContain('at step <b>Update ECS service</b>');
    expect(md).toContain('Error: service &lt;hello-app&gt; not stable');
    expect(md).toContain('<b>Fix:</b>');
  });

  it('escapes HTML', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });

  it('says when the run was only triggered', async () => {
    const result: ReleaseResult = {
      ...(await deploy()).result,
      conclusion: undefined,
    };
    expect(renderSummary({ command: 'deploy', result })).toContain(
      '🚀 Deployment of hello-app v1 to staging triggered',
    );
  });

  it('cleans job log lines', () => {
    expect(cleanLogLine('2026-11-26T06:00:00.1234567Z ##[group]Run deploy')).toBe('Run deploy');
    expect(cleanLogLine('##[endgroup]')).toBeUndefined();
    expect(cleanLogLine('##[error]Process completed with exit code 1.')).toBe(
      'Error: Process completed with exit code 1.',
    );
    expect(cleanLogLine('plain')).toBe('plain');
  });
});
