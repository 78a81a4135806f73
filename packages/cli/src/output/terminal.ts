import {
  CONDITIONAL_STEPS,
  DEPLOY_STEPS,
  formatDuration,
  type HostingError,
  type HostingEvent,
  type Reporter,
  STEP_TITLES,
  type StepId,
} from '@shared-hosting/core';
import type { Redactor } from './redact.js';

export interface Output {
  write(text: string): void;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface TerminalOptions {
  /** Live redrawn step list (a TTY without NO_COLOR); else plain lines. */
  live: boolean;
  color: boolean;
  debug: boolean;
  redactor: Redactor;
  now?: () => number;
}

const c = (on: boolean) => ({
  green: (s: string) => (on ? `\x1b[32m${s}\x1b[39m` : s),
  red: (s: string) => (on ? `\x1b[31m${s}\x1b[39m` : s),
  yellow: (s: string) => (on ? `\x1b[33m${s}\x1b[39m` : s),
  dim: (s: string) => (on ? `\x1b[2m${s}\x1b[22m` : s),
  bold: (s: string) => (on ? `\x1b[1m${s}\x1b[22m` : s),
  cyan: (s: string) => (on ? `\x1b[36m${s}\x1b[39m` : s),
});

type StepState = {
  step: StepId;
  status: 'pending' | 'running' | 'done' | 'skipped' | 'failed';
  started?: number;
  durationMs?: number;
  detail?: string;
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows deployment events on a terminal: a live step list with elapsed times on a TTY, or plain lines
 * (one per event, greppable, no escape codes) elsewhere. Every line passes through the redactor.
 */
export class TerminalReporter implements Reporter {
  private steps: StepState[];
  private readonly color: ReturnType<typeof c>;
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private lastRunStatus = '';
  private readonly now: () => number;

  constructor(
    private readonly out: Output,
    private readonly options: TerminalOptions,
    stepIds: readonly StepId[] = DEPLOY_STEPS,
  ) {
    this.steps = stepIds.map((step) => ({ step, status: 'pending' }));
    this.color = c(options.color);
    this.now = options.now ?? Date.now;
  }

  /** The steps the plan will run, once it is known (steps already shown keep their state). */
  setSteps(stepIds: readonly StepId[]): void {
    this.steps = stepIds.map(
      (step) => this.steps.find((s) => s.step === step) ?? { step, status: 'pending' },
    );
  }

  registerSecret(secret: string): void {
    this.options.redactor.add(secret);
  }

  emit(event: HostingEvent): void {
    if (this.options.live) this.emitLive(event);
    else this.emitPlain(event);
  }

  /** Stop redrawing (call once at the end). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.live && this.drawnLines > 0) this.draw();
  }

  private print(text: string): void {
    this.out.write(`${this.options.redactor.redact(text)}\n`);
  }

  // ----- plain lines ------------------------------------------------------------------------
  private emitPlain(event: HostingEvent): void {
    switch (event.type) {
      case 'step-start':
        this.print(`▸ ${event.title}`);
        break;
      case 'step-progress':
        this.print(`  ${event.message}`);
        break;
      case 'step-log':
        this.print(`  │ ${event.line}`);
        break;
      case 'step-end':
        this.print(
          `${event.status === 'skipped' ? '○' : '✓'} ${STEP_TITLES[event.step]} ${event.status === 'skipped' ? 'skipped' : `(${formatDuration(event.durationMs)})`}: ${event.summary}`,
        );
        break;
      case 'step-fail':
        this.print(
          `✗ ${STEP_TITLES[event.step]} failed after ${formatDuration(event.durationMs)}: ${event.error.message}`,
        );
        break;
      case 'run-dispatched':
        this.print(`  infra run: ${event.run.url}`);
        break;
      case 'run-update': {
        const u = event.update;
        const text = runUpdateText(u);
        if (text !== this.lastRunStatus) {
          this.lastRunStatus = text;
          this.print(`  ${text}`);
        }
        break;
      }
      case 'warning':
        this.print(`! ${event.title ? `${event.title}: ` : ''}${event.message}`);
        break;
      case 'notice':
        this.print(`» ${event.title}: ${event.message}`);
        break;
      case 'debug':
        if (this.options.debug) this.print(`  [debug] ${event.message}`);
        break;
    }
  }

  // ----- live step list ---------------------------------------------------------------------
  private state(step: StepId): StepState {
    let s = this.steps.find((x) => x.step === step);
    if (!s) {
      s = { step, status: 'pending' };
      this.steps.push(s);
    }
    return s;
  }

  private emitLive(event: HostingEvent): void {
    switch (event.type) {
      case 'step-start': {
        const s = this.state(event.step);
        s.status = 'running';
        s.started = event.at;
        delete s.detail;
        this.ensureTimer();
        break;
      }
      case 'step-progress':
        this.state(event.step).detail = event.message;
        break;
      case 'step-log':
        this.state(event.step).detail = event.line.slice(0, 200);
        if (this.options.debug) this.printAbove(`  │ ${event.line}`);
        break;
      case 'step-end': {
        const s = this.state(event.step);
        s.status = event.status;
        s.durationMs = event.durationMs;
        s.detail = event.summary;
        break;
      }
      case 'step-fail': {
        const s = this.state(event.step);
        s.status = 'failed';
        s.durationMs = event.durationMs;
        s.detail = event.error.message.split('\n')[0] ?? '';
        break;
      }
      case 'run-dispatched':
        this.state('trigger').detail = event.run.url;
        break;
      case 'run-update':
        this.state('wait').detail = runUpdateText(event.update);
        if (event.update.approval) {
          const text = runUpdateText(event.update);
          if (text !== this.lastRunStatus) this.printAbove(`! ${text}`);
          this.lastRunStatus = text;
        }
        break;
      case 'warning':
        this.printAbove(this.color.yellow(`! ${event.title ? `${event.title}: ` : ''}${event.message}`));
        break;
      case 'notice':
        this.printAbove(this.color.cyan(`» ${event.title}: ${event.message}`));
        break;
      case 'debug':
        if (this.options.debug) this.printAbove(this.color.dim(`[debug] ${event.message}`));
        break;
    }
    this.draw();
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.frame++;
      this.draw();
    }, 100);
    this.timer.unref();
  }

  private printAbove(text: string): void {
    this.clear();
    this.print(text);
    this.drawnLines = 0;
    this.draw();
  }

  private clear(): void {
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    // The lock and the restore appear only when they have something to do.
    const shown = this.steps.filter((s) => s.status !== 'pending' || !CONDITIONAL_STEPS.has(s.step));
    const lines = shown.map((s) => {
      const icon =
        s.status === 'running'
          ? this.color.cyan(SPINNER[this.frame % SPINNER.length] ?? '-')
          : s.status === 'done'
            ? this.color.green('✓')
            : s.status === 'skipped'
              ? this.color.dim('○')
              : s.status === 'failed'
                ? this.color.red('✗')
                : this.color.dim('·');
      const elapsed =
        s.status === 'running' && s.started !== undefined
          ? formatDuration(this.now() - s.started)
          : s.durationMs !== undefined && s.status !== 'skipped'
            ? formatDuration(s.durationMs)
            : '';
      const title = STEP_TITLES[s.step].padEnd(26);
      const detail = s.detail ? ` ${this.color.dim(truncate(s.detail, width - 40))}` : '';
      const line = `${icon} ${s.status === 'pending' ? this.color.dim(title) : title} ${elapsed.padStart(7)}${detail}`;
      return line;
    });
    this.clear();
    this.out.write(`${this.options.redactor.redact(lines.join('\n'))}\n`);
    this.drawnLines = lines.length;
  }
}

function truncate(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, Math.max(0, max - 1))}…` : one;
}

function runUpdateText(u: {
  status: string;
  job?: string | undefined;
  step?: string | undefined;
  approval?: { environment: string; reviewers: readonly string[] } | undefined;
}): string {
  if (u.approval) {
    return `waiting for approval of environment "${u.approval.environment}"${u.approval.reviewers.length ? ` by ${u.approval.reviewers.join(', ')}` : ''}`;
  }
  const where = [u.job, u.step].filter(Boolean).join(' › ');
  return `${u.status.replace('_', ' ')}${where ? `: ${where}` : ''}`;
}

/** The error as lines for a terminal: message, fix, and (with debug) the stack and causes. */
export function formatError(error: HostingError, debug: boolean): string[] {
  const lines = [`Error: ${error.message}`];
  if (error.fix) lines.push(`Fix: ${error.fix}`);
  const tail = (error as { logTail?: readonly string[] }).logTail;
  if (tail && tail.length > 0) lines.push('Last lines of output:', ...tail.map((l) => `  │ ${l}`));
  if (debug) {
    lines.push(`(${error.name} ${error.code})`);
    if (error.stack) lines.push(error.stack);
    let cause = error.cause;
    while (cause) {
      lines.push(`Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return lines;
}
