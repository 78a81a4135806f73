import type { Reads, ReleaseResult } from '@shared-hosting/core';

/**
 * What a dry run of a release read, and what it did not: a parameter it did not read is "not read" (never
 * "not set"), an image it did not look up is not claimed present or absent.
 */
export function releaseDryRun(
  result: ReleaseResult,
  read: Reads,
  texts: { heading: string; image: (result: ReleaseResult) => string },
): string[] {
  const stopped = !read.parameter || !read.image;
  const image = read.image ? texts.image(result) : `${result.image ?? '?'} (not looked up)`;
  const from = read.parameter ? (result.previousValue ?? '(not set)') : 'not read';
  return [
    stopped ? 'Dry run: nothing was changed; it stopped before reading everything.' : texts.heading,
    `  image      ${image}`,
    `  parameter  ${result.parameterName}: ${from} → ${result.version}`,
  ];
}
