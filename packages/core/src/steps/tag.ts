import { done, type StepOutcome } from './step.js';

/** The build tagged the image with its full reference: this step names it. */
export async function tag(input: { image: string }): Promise<StepOutcome<undefined>> {
  return done(input.image, undefined);
}
