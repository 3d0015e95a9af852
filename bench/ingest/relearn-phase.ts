import { join } from 'node:path';

import type { BenchContext } from './bench-context.js';
import { endOffsets, groupLag, totalOf } from './consumer-lag.js';
import type { CpuMark } from './cpu-meter.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import { processCpuSeconds, processPeakRssBytes } from './process-cpu.js';
import type { RelearnCli } from './relearn-cli.js';
import { RelearnProcess } from './relearn-process.js';

export interface RelearnRun {
  phase: string;
  roles: string;
  env: Record<string, string>;
  ingestGroup: string;
  dlqTopic: string;
}

/** relearn's own graceful-stop budget (RELEARN_SHUTDOWN_TIMEOUT_MS default) plus slack for the process to exit. */
const STOP_TIMEOUT_MS = 45_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records the run's relearn processes sent to their dead-letter topic so far. */
async function deadLettered(context: BenchContext, dlqTopic: string): Promise<bigint> {
  return totalOf(await endOffsets(context.admin, [dlqTopic]));
}

/** Polls the group's lag until it is 0; fails when the process exits or the phase times out. Returns performance.now() at lag 0. */
export async function awaitCaughtUp(context: BenchContext, child: RelearnProcess, groupId: string, deadline: number): Promise<number> {
  for (;;) {
    if (child.hasExited) throw new Error(`relearn exited while catching up:\n${child.tail()}`);
    const lag = await groupLag(context.admin, groupId, context.inputTopics);
    if (lag === 0) return performance.now();
    if (performance.now() > deadline) throw new Error(`group ${groupId} still lags ${lag} records after ${context.options.phaseTimeoutMs} ms`);
    await sleep(context.options.lagPollMs);
  }
}

/** Starts relearn and waits for its ready line; the caller owns the process. */
export async function startRelearn(context: BenchContext, cli: RelearnCli, run: RelearnRun): Promise<{ child: RelearnProcess; readyAt: number }> {
  const logFile = join(context.logDir, `${run.phase}.log`);
  context.log(`${run.phase}: relearn start --roles ${run.roles} (log ${logFile})`);
  const child = RelearnProcess.spawn(cli, run.roles, run.env, logFile);
  try {
    const readyAt = await child.ready(context.options.readyTimeoutMs);
    return { child, readyAt };
  } catch (error) {
    child.kill();
    await child.exited;
    throw error;
  }
}

/** Stops relearn gracefully; a non-zero exit is a failure of the run. */
export async function stopRelearn(child: RelearnProcess, what: string): Promise<void> {
  const exit = await child.stop(STOP_TIMEOUT_MS);
  if (exit.code !== 0) throw new Error(`${what}: relearn exited with ${JSON.stringify(exit)} after SIGTERM:\n${child.tail()}`);
}

/**
 * (c) `relearn start --roles …` as a child process on a fresh database and consumer group:
 * timed from its ready line until the ingest group's lag on the input topics is 0. The
 * records are the lag at the ready line (what was still to do), so a process that commits
 * before it prints its ready line gains nothing. CPU over the same interval; CPU and time
 * from spawn in the details.
 */
export async function measureRelearn(context: BenchContext, cli: RelearnCli, run: RelearnRun): Promise<PhaseResult> {
  const dlqBefore = await deadLettered(context, run.dlqTopic);
  const atSpawn = context.meter.mark(process.pid);
  const { child, readyAt } = await startRelearn(context, cli, run);
  let result: PhaseResult;
  try {
    const ready: CpuMark = { ...context.meter.mark(child.pid), at: readyAt };
    const lagAtReady = await groupLag(context.admin, run.ingestGroup, context.inputTopics);
    if (lagAtReady === 0) throw new Error(`${run.phase}: the group had nothing left to do when relearn became ready (${context.backlogRecords} records in the backlog)`);
    context.log(`${run.phase}: ready ${((readyAt - child.spawnedAt) / 1000).toFixed(1)} s after spawn, lag ${lagAtReady}`);
    const caughtUpAt = await awaitCaughtUp(context, child, run.ingestGroup, readyAt + context.options.phaseTimeoutMs);
    const end: CpuMark = { ...context.meter.mark(child.pid), at: caughtUpAt };
    const childCpuFromSpawn = processCpuSeconds(child.pid);
    const peakRssBytes = processPeakRssBytes(child.pid);
    const dlq = Number((await deadLettered(context, run.dlqTopic)) - dlqBefore);
    if (dlq !== 0) throw new Error(`${run.phase}: relearn dead-lettered ${dlq} records of a backlog with no bad records:\n${child.tail()}`);
    result = phaseResult(run.phase, `relearn start --roles ${run.roles}`, 'relearn', lagAtReady, ready, end, {
      backlogRecords: context.backlogRecords,
      lagAtReady,
      spawnToReadyMs: readyAt - child.spawnedAt,
      spawnToCaughtUpMs: caughtUpAt - child.spawnedAt,
      recordsPerSecondFromSpawn: (context.backlogRecords / (caughtUpAt - child.spawnedAt)) * 1000,
      relearnCpuFromSpawn: childCpuFromSpawn,
      kafkaCpuFromSpawn: end.kafka === null || atSpawn.kafka === null ? null : end.kafka - atSpawn.kafka,
      mongoCpuFromSpawn: end.mongo === null || atSpawn.mongo === null ? null : end.mongo - atSpawn.mongo,
      relearnPeakRssBytes: peakRssBytes,
      lagPollMs: context.options.lagPollMs,
      deadLettered: dlq,
    });
  } catch (error) {
    child.kill();
    await child.exited;
    throw error;
  }
  await stopRelearn(child, run.phase);
  return result;
}
