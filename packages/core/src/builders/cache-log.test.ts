import { describe, expect, it } from 'vitest';
import { CacheLogReader } from './cache.js';

const repository = '127.0.0.1:5000/hello-app/build-cache';
const cache = {
  repository,
  auth: { registry: '127.0.0.1:5000', username: 'AWS', password: 'pw', insecure: true },
};
const key = (c: string) => c.repeat(64);

describe('CacheLogReader', () => {
  it('counts steps pulled from the registry cache as reused', () => {
    const reader = new CacheLogReader(cache, new Set([key('a')]));
    for (const line of [
      'STEP 1/3: FROM scratch',
      'STEP 2/3: RUN x',
      `--> Cache pulled from remote ${repository}:${key('a')}`,
    ])
      reader.read(line);
    expect(reader.outcome()).toEqual({ repository, status: 'used', reused: 1 });
  });

  it('says a known entry that had to be run again and pushed was replaced', () => {
    const reader = new CacheLogReader(cache, new Set([key('a')]));
    for (const line of ['STEP 2/3: RUN x', `--> Pushing cache ${repository}:${key('a')}`]) reader.read(line);
    expect(reader.outcome().warning).toMatch(/1 cached step could not be read/);
  });

  it('takes a hit in the local storage followed by its cache push for a reuse, not a corrupt entry', () => {
    const reader = new CacheLogReader(cache, new Set([key('a'), key('b')]));
    for (const line of [
      'STEP 2/4: RUN x',
      '--> Using cache 0123456789abcdef',
      `--> Pushing cache ${repository}:${key('a')}`,
      'STEP 3/4: COPY app.txt /app/app.txt',
      `--> Pushing cache ${repository}:${key('b')}`,
    ])
      reader.read(line);
    const outcome = reader.outcome();
    expect(outcome.reused).toBe(1);
    // The COPY step was not a local hit: its known key pushed again means its entry was replaced.
    expect(outcome.warning).toMatch(/1 cached step could not be read/);
  });
});
