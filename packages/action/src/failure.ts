import { appendFileSync } from 'node:fs';
import {
  BuildError,
  errorCatalog,
  type HostingError,
  InputError,
  InputErrors,
  toHostingError,
} from '@shared-hosting/core';
import { SecretMasker } from '@shared-hosting/core/secrets';
import { issueCommand } from './command.js';
import { escapeHtml } from './html.js';

/** One `::error` annotation. */
export interface Annotation {
  title: string;
  message: string;
}

const MAX_LOG_TAIL = 30;

function withFix(message: string, fix: string | undefined): string {
  return fix ? `${message}\n${fix}` : message;
}

function stackOf(error: unknown): string | undefined {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.stack) lines.push(depth === 0 ? e.stack : `Caused by: ${e.stack}`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/**
 * What to report for anything thrown, an Error or not: one annotation per invalid input (titled with the
 * input's name), else one with the catalog's title, the message and the fix. Stack traces only in debug.
 */
export function annotationsFor(thrown: unknown, debug = false): Annotation[] {
  if (thrown instanceof InputErrors) {
    return thrown.errors.map((e) => ({
      title: `Invalid input: ${e.input}`,
      message: withFix(e.message, e.fix),
    }));
  }
  const error: HostingError = toHostingError(thrown);
  const title =
    error instanceof InputError
      ? `Invalid input: ${error.input}`
      : (errorCatalog.find((entry) => entry.code === error.code)?.title ?? 'Deployment failed');
  let message = withFix(error.message, error.fix);
  if (error instanceof BuildError && error.logTail.length > 0) {
    message += `\n\nLast lines of the build output:\n${error.logTail.slice(-MAX_LOG_TAIL).join('\n')}`;
  }
  if (debug) {
    const stack = stackOf(error.code === 'UNEXPECTED' && error.cause !== undefined ? error.cause : error);
    if (stack) message += `\n\n${stack}`;
  }
  return [{ title, message }];
}

/** The job summary of a step that failed before the deployment started (bad input, unexpected error). */
export function failureSummary(annotations: readonly Annotation[]): string {
  const lines = ['## ❌ Deployment not started', ''];
  for (const { title, message } of annotations) {
    const [first, ...rest] = message.split('\n');
    lines.push(`<b>${escapeHtml(title)}</b>: ${escapeHtml(first ?? '')}`);
    if (rest.length > 0) lines.push(`<br>${escapeHtml(rest.join('\n')).replace(/\n/g, '<br>')}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Every occurrence of a secret → `***`, as the runner masks log lines, and more: in every form the
 * secret travels in (base64, JSON or HTML escaped, cut in a message), longest first so that none is left
 * half-replaced, and anything shaped like a GitHub token. The job summary and the annotations, which
 * this Action writes itself, go through it.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  return new SecretMasker(secrets).mask(text);
}

export interface FailOptions {
  /** Add stack traces (step debug logging: RUNNER_DEBUG=1, the default). */
  debug?: boolean | undefined;
  /** Secrets to replace by `***` in what is written (the runner masks them too, once told). */
  secrets?: Iterable<string> | undefined;
  /** Append the failure to the job summary (default true; false when a result's summary says it). */
  summary?: boolean | undefined;
  /** Writes one annotation; default an `::error` workflow command on stdout (no @actions/core needed). */
  annotate?: ((annotation: Annotation) => void) | undefined;
}

/** Append to the job summary file, when there is one; the annotations carry the same text if this fails. */
function appendToSummary(text: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    appendFileSync(file, text);
  } catch {
    // The annotations carry the same text.
  }
}

/**
 * The Action's one failure handler, for the fast path and main.cjs alike: anything thrown (an Error or
 * not) or a failed result becomes titled `::error` annotations (one per invalid input), secrets redacted,
 * and fails the step with exit code 1, as `core.setFailed` does.
 */
export function failStep(thrown: unknown, options: FailOptions = {}): void {
  process.exitCode = 1;
  const secrets = [...(options.secrets ?? [])];
  const annotate =
    options.annotate ?? (({ title, message }: Annotation) => issueCommand('error', { title }, message));
  const annotations = annotationsFor(thrown, options.debug ?? process.env.RUNNER_DEBUG === '1').map(
    ({ title, message }) => ({ title: redact(title, secrets), message: redact(message, secrets) }),
  );
  for (const annotation of annotations) annotate(annotation);
  if (options.summary !== false) appendToSummary(failureSummary(annotations));
}
