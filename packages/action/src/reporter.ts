import { randomUUID } from 'node:crypto';
import {
  formatDuration,
  type HostingEvent,
  type Reporter,
  STEP_TITLES,
  type StepId,
} from '@shared-hosting/core';
import { SecretMasker } from '@shared-hosting/core/secrets';
import { RUN_STATE, RUN_STATE_DONE, type SavedRun } from './state.js';

/** The part of @actions/core the reporter uses (a fake in tests). */
export interface ActionsCore {
  startGroup(name: string): void;
  endGroup(): void;
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, properties?: { title?: string }): void;
  notice(message: string, properties?: { title?: string }): void;
  setSecret(secret: string): void;
  saveState(name: string, value: unknown): void;
}

/**
 * Maps the engine's events onto the Actions log: a collapsible group per step (opened on the step's first
 * line of output, so empty and skipped steps take one line), a status line with the duration after it,
 * warnings as annotations, and the dispatched run saved for the post step.
 */
export class ActionReporter implements Reporter {
  private pending: { step: StepId; title: string } | undefined;
  private groupOpen = false;
  private lastUpdate = '';
  private readonly masked: Set<string>;
  /** Set while tool output is shown with workflow commands stopped. */
  private stopToken: string | undefined;

  /** Every line and annotation written, with the secrets known so far redacted (`this.core` wraps it). */
  private readonly core: ActionsCore;
  private readonly masker: SecretMasker;

  constructor(
    core: ActionsCore,
    /** Where the infra run lives, saved with the run for the post step; undefined: do not save. */
    private readonly infra: { owner: string; repo: string } | undefined,
    /**
     * Secrets already masked (each is masked once). A Set is kept, not copied: the secrets registered
     * later are added to it, so that its owner can redact them all (the failure handler does).
     */
    masked: Iterable<string> = [],
    private readonly newToken: () => string = () => randomUUID(),
  ) {
    this.masked = masked instanceof Set ? masked : new Set(masked);
    this.masker = new SecretMasker(this.masked);
    this.core = maskedCore(core, (text) => this.masker.mask(text));
  }

  registerSecret(secret: string): void {
    // The engine registers the ECR password; ECR's authorization token is base64("AWS:" + password):
    // mask that form too.
    if (!secret || this.masked.has(secret)) return;
    for (const value of [secret, Buffer.from(`AWS:${secret}`).toString('base64')]) {
      if (this.masked.has(value)) continue;
      this.masked.add(value);
      this.masker.add(value);
      this.core.setSecret(value);
    }
  }

  emit(event: HostingEvent): void {
    const { core } = this;
    if (event.type !== 'step-log') this.resumeCommands();
    switch (event.type) {
      case 'step-start':
        this.closeGroup();
        this.pending = { step: event.step, title: event.title };
        break;
      case 'step-progress':
        this.openGroup();
        core.info(event.message);
        break;
      case 'step-log':
        this.toolOutput(event.line);
        break;
      case 'step-end':
        this.stepEnd(event);
        break;
      case 'step-fail':
        this.stepFail(event);
        break;
      case 'run-dispatched':
        this.openGroup();
        core.info(`Infra run: ${event.run.url}`);
        if (this.infra) {
          const saved: SavedRun = { ...this.infra, ...event.run };
          core.saveState(RUN_STATE, JSON.stringify(saved));
        }
        break;
      case 'run-update':
        this.runUpdate(event.update);
        break;
      case 'warning':
        core.warning(event.message, { title: event.title ?? this.currentTitle() ?? 'Shared Hosting Deploy' });
        break;
      case 'notice':
        this.openGroup();
        core.info(`${event.title}: ${event.message}`);
        core.notice(event.message, { title: event.title });
        this.onNotice?.(event.title, event.message);
        break;
      case 'debug':
        core.debug(event.message);
        break;
    }
  }

  /** Called on each notice (a rollout paused for approval), e.g. to add it to the job summary at once. */
  onNotice: ((title: string, message: string) => void) | undefined;

  /** A line of a tool's output, in the step's group. */
  private toolOutput(line: string): void {
    this.openGroup();
    if (!this.stopToken) {
      // Tool output is data: a build step printing `::add-mask::` or `::error::` must not act.
      this.stopToken = this.newToken();
      this.core.info(`::stop-commands::${this.stopToken}`);
    }
    this.core.info(line);
  }

  private stepEnd(event: Extract<HostingEvent, { type: 'step-end' }>): void {
    const title = this.titleOf(event.step);
    this.closeGroup();
    this.pending = undefined;
    const mark = event.status === 'skipped' ? '○' : '✓';
    const time = event.status === 'skipped' ? 'skipped' : formatDuration(event.durationMs);
    this.core.info(`${mark} ${title} (${time}): ${event.summary}`);
    if (event.step === 'wait') this.clearRun();
  }

  private stepFail(event: Extract<HostingEvent, { type: 'step-fail' }>): void {
    const title = this.titleOf(event.step);
    this.closeGroup();
    this.pending = undefined;
    this.core.info(`✗ ${title} failed after ${formatDuration(event.durationMs)}: ${event.error.message}`);
    // An interrupted wait that could not cancel the run leaves it saved: the post step tries again.
    if (
      event.step === 'wait' &&
      (event.error.kind !== 'interrupted' || event.error.details.cancelled === true)
    )
      this.clearRun();
  }

  /** The infra run's progress, once per change, and a notice when it waits for an approval. */
  private runUpdate(update: Extract<HostingEvent, { type: 'run-update' }>['update']): void {
    const where = [update.job && `job "${update.job}"`, update.step && `step "${update.step}"`]
      .filter(Boolean)
      .join(', ');
    const line = `Infra run ${update.status}${where ? `: ${where}` : ''}`;
    if (line === this.lastUpdate) return;
    this.lastUpdate = line;
    this.openGroup();
    this.core.info(line);
    if (update.approval) {
      const who = update.approval.reviewers.length ? ` by ${update.approval.reviewers.join(', ')}` : '';
      this.core.notice(
        `The infra run waits for approval of environment "${update.approval.environment}"${who}.`,
        { title: 'Waiting for approval' },
      );
    }
  }

  /** Close any open group (before the final report). */
  finish(): void {
    this.resumeCommands();
    this.closeGroup();
  }

  private resumeCommands(): void {
    if (this.stopToken) this.core.info(`::${this.stopToken}::`);
    this.stopToken = undefined;
  }

  private titleOf(step: StepId): string {
    return this.pending?.step === step ? this.pending.title : STEP_TITLES[step];
  }

  private currentTitle(): string | undefined {
    return this.pending?.title;
  }

  private openGroup(): void {
    if (this.groupOpen || !this.pending) return;
    this.core.startGroup(this.pending.title);
    this.groupOpen = true;
  }

  private closeGroup(): void {
    if (this.groupOpen) this.core.endGroup();
    this.groupOpen = false;
  }

  private clearRun(): void {
    if (this.infra) this.core.saveState(RUN_STATE, RUN_STATE_DONE);
  }
}

/**
 * The runner masks what it was told to mask in log lines, not always in annotations and never in what
 * an error echoed in another form: everything the reporter writes is redacted here as well.
 */
function maskedCore(core: ActionsCore, mask: (text: string) => string): ActionsCore {
  return {
    startGroup: (name) => core.startGroup(mask(name)),
    endGroup: () => core.endGroup(),
    info: (message) => core.info(mask(message)),
    debug: (message) => core.debug(mask(message)),
    warning: (message, properties) =>
      core.warning(mask(message), properties?.title ? { title: mask(properties.title) } : properties),
    notice: (message, properties) =>
      core.notice(mask(message), properties?.title ? { title: mask(properties.title) } : properties),
    setSecret: (secret) => core.setSecret(secret),
    saveState: (name, value) => core.saveState(name, value),
  };
}
