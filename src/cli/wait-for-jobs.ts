import type { JobStatus } from '../ports/job-queue.js';
import { apiPath, type ApiClient } from './api-client.js';
import { ApiRequestError } from './api-errors.js';
import type { JobView } from './api-types.js';

const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);
const LIST_LIMIT = 1000;
const FETCH_CONCURRENCY = 16;

export interface JobsProgress {
  finished: number;
  total: number;
  /** Finished jobs plus the progress (0..1) of running ones: a smoother bar than finished alone. */
  done: number;
  running: number;
  queued: number;
  /** Decided but not yet in the queue (the decision is on its way through Kafka). */
  waiting: number;
}

export interface WaitForJobsOptions {
  pollMs: number;
  /** Give up waiting after this long; the jobs keep running. */
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  onProgress(progress: JobsProgress): void;
}

export interface WaitForJobsResult {
  /** The last answer for each job id; undefined when the job never appeared in the queue. */
  jobs: ReadonlyMap<string, JobView | undefined>;
  /** Job ids not finished when the wait ended. */
  unfinished: string[];
}

async function inChunks<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  return results;
}

async function fetchJob(client: ApiClient, jobId: string): Promise<JobView | undefined> {
  try {
    return await client.get<JobView>(apiPath('api', 'v1', 'jobs', jobId));
  } catch (error) {
    // A decision becomes a job once the trainer consumes its request: until then the job is unknown.
    if (error instanceof ApiRequestError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * Polls the API until every job has finished or the timeout passes. Each round reads
 * the queued and running lists (two requests however many jobs) and fetches one by one
 * only the jobs in neither list: finished ones, or ones not yet enqueued.
 */
export async function waitForJobs(client: ApiClient, jobIds: readonly string[], options: WaitForJobsOptions): Promise<WaitForJobsResult> {
  const jobs = new Map<string, JobView | undefined>(jobIds.map((id) => [id, undefined]));
  const started = options.now();
  const pending = new Set(jobIds);
  for (;;) {
    if (pending.size > 0) {
      const [queued, running] = await Promise.all(
        (['queued', 'running'] as const).map((status) => client.get<{ jobs: JobView[] }>('/api/v1/jobs', { status, limit: LIST_LIMIT })),
      );
      const listed = new Map<string, JobView>();
      for (const job of [...(queued?.jobs ?? []), ...(running?.jobs ?? [])]) listed.set(job.jobId, job);
      const unlisted = [...pending].filter((id) => !listed.has(id));
      const fetched = await inChunks(unlisted, FETCH_CONCURRENCY, async (id) => [id, await fetchJob(client, id)] as const);
      for (const id of pending) {
        const job = listed.get(id) ?? fetched.find(([fetchedId]) => fetchedId === id)?.[1];
        if (job === undefined) continue;
        jobs.set(id, job);
        if (FINISHED.has(job.status)) pending.delete(id);
      }
    }
    let running = 0;
    let queued = 0;
    let waiting = 0;
    let done = 0;
    for (const job of jobs.values()) {
      if (job === undefined) waiting += 1;
      else if (FINISHED.has(job.status)) done += 1;
      else if (job.status === 'running') {
        running += 1;
        done += job.progress;
      } else queued += 1;
    }
    options.onProgress({ finished: jobIds.length - pending.size, total: jobIds.length, done, running, queued, waiting });
    if (pending.size === 0 || options.now() - started >= options.timeoutMs) return { jobs, unfinished: [...pending] };
    await options.sleep(options.pollMs);
  }
}
