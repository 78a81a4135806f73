import { describe, expect, it } from 'vitest';
import { RecordingReporter } from './ports/events.js';
import type { Clock } from './ports/ports.js';
import { withStepProgress } from './real-ports.js';

const clock: Clock = { now: () => 42, sleep: async () => {} };

describe('withStepProgress (how the AWS ports say "retrying")', () => {
  it('adds the line to the step in progress, and warns between steps', () => {
    const recording = new RecordingReporter();
    const { reporter, progress } = withStepProgress(recording, clock);
    progress('SSM did not answer within 15 s; retrying in 0.3 s (attempt 2)');
    reporter.emit({ type: 'step-start', step: 'preflight', title: 'Preflight checks', at: 1 });
    progress('ECR did not answer within 15 s; retrying in 0.5 s (attempt 2)');
    reporter.emit({
      type: 'step-end',
      step: 'preflight',
      status: 'done',
      durationMs: 1,
      summary: 'ok',
      at: 2,
    });
    progress('SSM closed the connection without answering (ECONNRESET); retrying in 0.1 s (attempt 3)');
    reporter.registerSecret?.('s3cret');
    expect(recording.events.map((e) => [e.type, 'step' in e ? e.step : undefined])).toEqual([
      ['warning', undefined],
      ['step-start', 'preflight'],
      ['step-progress', 'preflight'],
      ['step-end', 'preflight'],
      ['warning', undefined],
    ]);
    expect(recording.ofType('step-progress')[0]?.message).toMatch(
      /^ECR did not answer within 15 s; retrying/,
    );
    expect(recording.secrets).toEqual(['s3cret']);
  });
});
