/** What failed in a finished run: the failed jobs, their first failed step and the tail of its log. */
import type { FailedJob } from '../ports/ports.js';
import type { GitHubContext } from './context.js';
import { type ApiJob, fetchJobs } from './jobs.js';

const NOT_FAILED = new Set(['success', 'skipped', 'neutral']);

/** Logs are fetched for at most this many failed jobs. */
const MAX_LOGS = 5;

type RunId = { owner: string; repo: string; id: number };

/** The last lines of a job log up to its last `##[error]`, timestamps removed. */
function logTail(log: string, lines: number, redact: (s: string) => string): string[] {
  const all = log
    .split(/\r?\n/)
    .map((l) => l.replace(/^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/, ''))
    .filter((l) => l.trim() !== '' && l !== '##[endgroup]');
  let end = all.length;
  for (let i = all.length - 1; i >= 0; i--) {
    if (all[i]?.startsWith('##[error]')) {
      end = i + 1;
      break;
    }
  }
  return all
    .slice(Math.max(0, end - lines), end)
    .map((l) => redact(l.length > 300 ? `${l.slice(0, 297)}...` : l));
}

/** The failed jobs of a completed run, and how many requests counted against the rate limit. */
export async function failedJobs(
  gh: GitHubContext,
  run: RunId,
  signal: AbortSignal | undefined,
): Promise<{ failed: FailedJob[]; requests: number }> {
  const listed = await listJobs(gh, run, signal);
  let requests = listed.requests;
  if (!listed.jobs) {
    gh.log(`Could not list the jobs of run ${run.id}: the failed job and step are not known.`);
    return { failed: [], requests };
  }
  const failed: FailedJob[] = [];
  for (const job of listed.jobs) {
    if (job.conclusion === null || NOT_FAILED.has(job.conclusion)) continue;
    const step =
      job.steps?.find((s) => s.conclusion === 'failure') ??
      job.steps?.find((s) => s.conclusion !== null && !NOT_FAILED.has(s.conclusion));
    let tail: string[] | undefined;
    if (failed.length < MAX_LOGS) {
      requests++;
      tail = await jobLogTail(gh, run, job, signal);
    }
    failed.push({
      name: job.name,
      url: job.html_url ?? undefined,
      conclusion: job.conclusion,
      ...(step ? { step: step.name } : {}),
      ...(tail ? { logTail: tail } : {}),
    });
  }
  return { failed, requests };
}

/** The jobs, with up to 4 tries: the list can lag behind the run's completion. */
async function listJobs(
  gh: GitHubContext,
  run: RunId,
  signal: AbortSignal | undefined,
): Promise<{ jobs: ApiJob[] | undefined; requests: number }> {
  let requests = 0;
  let jobs: ApiJob[] | undefined;
  for (let attempt = 1; attempt <= 4 && !jobs; attempt++) {
    const got = await fetchJobs(gh, run, undefined, signal);
    if (got.counted) requests++;
    jobs = got.jobs;
    if (!jobs && attempt < 4) await gh.clock.sleep(1000 * attempt, signal);
  }
  return { jobs, requests };
}

/** The tail of a job's log; undefined when the token may not read logs, or they expired (403/404/410). */
async function jobLogTail(
  gh: GitHubContext,
  run: RunId,
  job: ApiJob,
  signal: AbortSignal | undefined,
): Promise<string[] | undefined> {
  try {
    const res = await gh.client.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
      owner: run.owner,
      repo: run.repo,
      job_id: job.id,
      request: { retries: 1, signal: gh.signal(signal) },
    });
    const tail = logTail(String(res.data ?? ''), gh.tuning.logTailLines, (s) => gh.redact(s));
    return tail.length === 0 ? undefined : tail;
  } catch (error) {
    if (signal?.aborted) throw error;
    return undefined;
  }
}
