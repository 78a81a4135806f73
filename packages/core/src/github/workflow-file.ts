import { parse } from 'yaml';

export interface WorkflowFileFacts {
  /** Declares the `workflow_dispatch` trigger. */
  dispatch: boolean;
  /** Declared `workflow_dispatch` inputs. */
  inputs: ReadonlyMap<string, { required: boolean; hasDefault: boolean }>;
  /** The `run-name` template, if any. */
  runName?: string | undefined;
}

/** Reads the facts we check from a workflow file. Throws on YAML that does not parse. */
export function readWorkflowFile(text: string): WorkflowFileFacts {
  const doc = parse(text) as Record<string, unknown> | null;
  const on = doc?.on ?? doc?.true; // `on:` is a boolean key in YAML 1.1 readers
  const inputs = new Map<string, { required: boolean; hasDefault: boolean }>();
  let dispatch = false;
  if (typeof on === 'string') dispatch = on === 'workflow_dispatch';
  else if (Array.isArray(on)) dispatch = on.includes('workflow_dispatch');
  else if (on && typeof on === 'object' && 'workflow_dispatch' in on) {
    dispatch = true;
    const wd = (on as Record<string, unknown>).workflow_dispatch;
    const declared = wd && typeof wd === 'object' ? (wd as { inputs?: unknown }).inputs : undefined;
    if (declared && typeof declared === 'object') {
      for (const [name, spec] of Object.entries(declared as Record<string, unknown>)) {
        const s = (spec ?? {}) as { required?: unknown; default?: unknown };
        inputs.set(name, { required: s.required === true, hasDefault: s.default !== undefined });
      }
    }
  }
  const runName = typeof doc?.['run-name'] === 'string' ? (doc['run-name'] as string) : undefined;
  return { dispatch, inputs, runName };
}

/**
 * The title GitHub shows for a run dispatched with these inputs, when the `run-name` only uses inputs and
 * literal text; undefined when it cannot be known (other expressions).
 */
export function expectedRunTitle(
  runName: string | undefined,
  inputs: Readonly<Record<string, string>>,
): string | undefined {
  if (!runName) return undefined;
  let unknown = false;
  const title = runName.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const m = /^(?:inputs|github\.event\.inputs)\.([A-Za-z0-9_-]+)$/.exec(expr);
    const v = m?.[1] ? inputs[m[1]] : undefined;
    if (v === undefined) unknown = true;
    return v ?? '';
  });
  return unknown ? undefined : title;
}
