import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The preload the relearn child runs under (NODE_OPTIONS=--import=…): plain JavaScript, the child runs the built dist. */
export const PROBE_MODULE = resolve(dirname(fileURLToPath(import.meta.url)), 'memory-probe.mjs');

/** What the probe reports after its forced full garbage collections (see memory-probe.mjs). */
export interface ProbeReading {
  seq: number;
  at: number;
  gcMs: number;
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  heap: { used: number; total: number; malloced: number; external: number; contexts: number };
  /** Bytes used per V8 heap space. */
  spaces: Record<string, number>;
  snapshot: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The bench's side of the probe: writes a command, signals the child with SIGUSR2 and
 * waits for the reading with that sequence number. Nothing of this is in relearn.
 */
export class MemoryProbeClient {
  readonly input: string;
  readonly output: string;
  private seq = 0;

  constructor(
    private readonly pid: () => number,
    directory: string,
  ) {
    this.input = join(directory, 'probe-command.json');
    this.output = join(directory, 'probe-readings.jsonl');
  }

  /** The environment the child needs for the probe (merged into relearn's own). */
  env(existingNodeOptions: string | undefined): Record<string, string> {
    const nodeOptions = [existingNodeOptions ?? '', `--import=${PROBE_MODULE}`].filter((part) => part.trim() !== '').join(' ');
    return { NODE_OPTIONS: nodeOptions, RELEARN_BENCH_PROBE_IN: this.input, RELEARN_BENCH_PROBE_OUT: this.output };
  }

  /** Forces full GCs in the child and returns what it measured then; with `snapshot`, also writes a heap snapshot there. */
  async read(options: { snapshot?: string; timeoutMs?: number } = {}): Promise<ProbeReading> {
    const seq = ++this.seq;
    writeFileSync(this.input, JSON.stringify({ seq, snapshot: options.snapshot ?? null }));
    process.kill(this.pid(), 'SIGUSR2');
    const deadline = performance.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      if (existsSync(this.output)) {
        for (const line of readFileSync(this.output, 'utf8').split('\n')) {
          if (line.trim() === '') continue;
          const reading = JSON.parse(line) as ProbeReading & { error?: string };
          if (reading.seq === -1 && reading.error !== undefined) throw new Error(`memory probe: ${reading.error}`);
          if (reading.seq === seq) return reading;
        }
      }
      if (performance.now() > deadline) throw new Error(`memory probe: no reading ${seq} within ${options.timeoutMs ?? 60_000} ms (is the probe preloaded?)`);
      await sleep(100);
    }
  }
}

/** Resident set size now and its high-water mark (VmRSS, VmHWM) of a process, in bytes. */
export function residentBytes(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (match?.[1] === undefined) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]) * 1024;
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/**
 * Where a process's resident memory is, from /proc/<pid>/smaps: the brk heap (glibc
 * malloc's main arena: Buffers' backing stores, native allocations of the main thread),
 * other anonymous mappings (V8's heap pages, other malloc arenas, thread stacks) and files
 * (the node binary, shared libraries).
 */
export function residentByMapping(pid: number): { brkHeap: number; anonymous: number; files: number } {
  const totals = { brkHeap: 0, anonymous: 0, files: 0 };
  let current: keyof typeof totals = 'anonymous';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping !== null) {
      const name = mapping[1] ?? '';
      current = name === '[heap]' ? 'brkHeap' : name === '' || name.startsWith('[') ? 'anonymous' : 'files';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line);
    if (rss?.[1] !== undefined) totals[current] += Number(rss[1]) * 1024;
  }
  return totals;
}
