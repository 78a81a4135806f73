/** The infra repository's workflow file: the default one, and what GitHub reads from it at dispatch. */
import { parse as parseYaml } from 'yaml';

export interface WorkflowFileFacts {
  dispatch: boolean;
  inputs: Map<string, { required: boolean }>;
  runName?: string;
}

export function defaultWorkflowYaml(
  name: string,
  inputs: readonly string[],
  runName: string | false,
): string {
  const lines = [`name: ${name}`];
  if (runName !== false) lines.push(`run-name: ${runName}`);
  lines.push('on:', '  workflow_dispatch:', '    inputs:');
  for (const input of inputs) lines.push(`      ${input}:`, '        required: true', '        type: string');
  lines.push(
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Deploy application',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    '        run: ./deploy.sh "${{ inputs.application }}" "${{ inputs.environment }}"',
  );
  return `${lines.join('\n')}\n`;
}

/** The trigger, inputs and run-name of a workflow file. */
export function parseWorkflow(workflowYaml: string): WorkflowFileFacts {
  const doc = parseYaml(workflowYaml) as Record<string, unknown> | null;
  const on = doc?.on ?? doc?.true; // YAML 1.1 `on` may parse as true
  let dispatch = false;
  const inputs = new Map<string, { required: boolean }>();
  if (typeof on === 'string') dispatch = on === 'workflow_dispatch';
  else if (Array.isArray(on)) dispatch = on.includes('workflow_dispatch');
  else if (on && typeof on === 'object' && 'workflow_dispatch' in on) {
    dispatch = true;
    const wd = (on as Record<string, unknown>).workflow_dispatch as {
      inputs?: Record<string, { required?: boolean }>;
    } | null;
    for (const [k, v] of Object.entries(wd?.inputs ?? {})) inputs.set(k, { required: v?.required === true });
  }
  const runName = typeof doc?.['run-name'] === 'string' ? (doc['run-name'] as string) : undefined;
  return { dispatch, inputs, ...(runName === undefined ? {} : { runName }) };
}

/** A run's display title: the run-name with its inputs filled in, else the workflow's name. */
export function renderTitle(
  workflowName: string,
  runName: string | undefined,
  inputs: Record<string, string>,
): string {
  if (!runName) return workflowName;
  return runName.replace(
    /\$\{\{\s*(?:inputs|github\.event\.inputs)\.([A-Za-z0-9_-]+)\s*\}\}/g,
    (_, k: string) => inputs[k] ?? '',
  );
}
