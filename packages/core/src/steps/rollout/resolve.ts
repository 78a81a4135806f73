import { PreconditionError } from '../../errors/errors.js';
import type { Registry } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';

export interface ResolveInput {
  repository: string;
  version: string;
  parameter: string;
  parameterVersion: number;
}

export interface ResolvedImage {
  /** `<registry>/<repository>@<digest>`: what the task definition will run. */
  image: string;
  /** `<registry>/<repository>:<version>`, for messages. */
  tagged: string;
  digest: string;
}

/** resolve: ECR DescribeImages for the version's tag, giving the digest to pin. Missing: precondition, nothing changed. */
export async function resolveImage(
  input: ResolveInput,
  ports: { registry: Registry },
  ctx: StepContext,
): Promise<StepOutcome<ResolvedImage>> {
  ctx.progress(`looking up ${input.repository}:${input.version} in ECR`);
  const repository = await ports.registry.describeRepository(input.repository);
  const found = await ports.registry.findImage(input.repository, input.version);
  const tagged = `${repository.uri}:${input.version}`;
  if (!found) {
    throw new PreconditionError(
      'IMAGE_NOT_FOUND',
      `Version ${input.version} (${input.parameter}, parameter version ${input.parameterVersion}) has no image in the ECR repository ${input.repository}: ${tagged} does not exist. Nothing was registered or changed.`,
      {
        fix: 'Deploy that version again from the application repository (hosting deploy builds and pushes it), or set a version whose image exists (hosting rollback).',
        details: { version: input.version, repository: input.repository },
      },
    );
  }
  const image = `${repository.uri}@${found.digest}`;
  return done(`${tagged} is ${found.digest}`, { image, tagged, digest: found.digest });
}
