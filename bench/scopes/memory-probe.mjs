// Preloaded into the relearn process under test by bench/scopes (NODE_OPTIONS=--import=<this file>);
// never part of relearn itself. On SIGUSR2 it reads one command from $RELEARN_BENCH_PROBE_IN
// ({"seq": n, "snapshot": path | null}), runs full garbage collections, optionally writes a
// heap snapshot, and appends one JSON line to $RELEARN_BENCH_PROBE_OUT: the sequence number,
// process.memoryUsage() after the collection, V8's heap statistics and the time it took.
import { appendFileSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

const input = process.env.RELEARN_BENCH_PROBE_IN;
const output = process.env.RELEARN_BENCH_PROBE_OUT;

if (input !== undefined && output !== undefined) {
  // --expose-gc without a command-line flag: the flag makes new contexts get a gc() global.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  process.on('SIGUSR2', () => {
    const started = performance.now();
    let command = { seq: -1, snapshot: null };
    try {
      command = JSON.parse(readFileSync(input, 'utf8'));
    } catch (error) {
      appendFileSync(output, `${JSON.stringify({ seq: -1, error: String(error) })}\n`);
      return;
    }
    // Two passes: objects freed by finalizers or weak callbacks of the first go in the second.
    gc();
    gc();
    const memory = process.memoryUsage();
    const heap = getHeapStatistics();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
    const gcMs = performance.now() - started;
    let snapshot = null;
    if (typeof command.snapshot === 'string') snapshot = writeHeapSnapshot(command.snapshot);
    appendFileSync(
      output,
      `${JSON.stringify({ seq: command.seq, at: Date.now(), gcMs, memory, heap: { used: heap.used_heap_size, total: heap.total_heap_size, malloced: heap.malloced_memory, external: heap.external_memory, contexts: heap.number_of_native_contexts }, spaces, snapshot })}\n`,
    );
  });
}
