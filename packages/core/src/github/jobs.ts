/** The jobs of a run (conditionally, with an ETag) and which job and step are running now. */
import type { GitHubContext } from './context.js';
import { httpFailure } from './errors.js';

export interface ApiJob {
  id: number;
  name: string;
  html_url: string | null;
  status: string;
  conclusion: string | null;
  steps?: Array<{ name: string; status: string; conclusion: string | null; number: number }>;
}

export interface JobsAnswer {
  /** Undefined when GitHub answered 304 or failed. */
  jobs: ApiJob[] | undefined;
  etag: string | undefined;
  /** Whether the request counted against the rate limit. */
  counted: boolean;
}

/** The run's jobs; a failure (other than an abort) answers no jobs, for the caller to keep what it had. */
export async function fetchJobs(
  gh: GitHubContext,
  run: { owner: string; repo: string; id: number },
  etag: string | undefined,
  signal: AbortSignal | undefined,
): Promise<JobsAnswer> {
  try {
    const res = await gh.client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
      owner: run.owner,
      repo: run.repo,
      run_id: run.id,
      per_page: 100,
      headers: etag ? { 'if-none-match': etag } : {},
      request: { retries: 0, manualRateLimit: true, signal: gh.signal(signal) },
    });
    return {
      jobs: res.data.jobs as ApiJob[],
      etag: typeof res.headers.etag === 'string' ? res.headers.etag : undefined,
      counted: true,
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    const f = httpFailure(error);
    return { jobs: undefined, etag, counted: f.status !== undefined && f.status !== 304 };
  }
}

export function currentJobStep(jobs: readonly ApiJob[]): { job?: string; step?: string } | undefined {
  const active = jobs.find((j) => j.status === 'in_progress') ?? jobs.find((j) => j.status === 'queued');
  if (!active) return undefined;
  const step = active.steps?.find((s) => s.status === 'in_progress');
  return { job: active.name, ...(step ? { step: step.name } : {}) };
}
