/**
 * Adaptive polling of a service deployment: quick right after a change (the next change tends to follow
 * soon: a task starting, the next traffic step), slower while nothing moves, never slower than `maxMs`,
 * so that completion, a failure or a pause is noticed within `maxMs` plus one request.
 */
export class PollSchedule {
  private delay: number;

  constructor(
    private readonly maxMs: number,
    private readonly minMs = Math.min(250, maxMs),
    private readonly factor = 2,
  ) {
    this.delay = this.minMs;
  }

  /** The wait before the next request: back to the minimum after a change, else growing to the maximum. */
  next(changed: boolean): number {
    this.delay = changed ? this.minMs : Math.min(this.maxMs, Math.round(this.delay * this.factor));
    return this.delay;
  }
}
