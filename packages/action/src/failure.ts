import {
  BuildError,
  errorCatalog,
  type HostingError,
  InputError,
  InputErrors,
  toHostingError,
} from '@shared-hosting/core';
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
