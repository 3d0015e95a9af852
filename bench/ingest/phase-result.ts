import { CpuMeter, type CpuFigures, type CpuMark } from './cpu-meter.js';

/** One throughput measurement over the backlog. */
export interface PhaseResult {
  phase: string;
  /** What was measured, for the table. */
  label: string;
  /** Whose CPU `cpu.client` is: the bench process (in-process pipelines) or the relearn child. */
  clientProcess: 'bench' | 'relearn';
  records: number;
  wallMs: number;
  recordsPerSecond: number;
  cpu: CpuFigures;
  /** 1-minute load average at the start and at the end of the interval. */
  load1: { start: number; end: number };
  details: Record<string, unknown>;
}

export function phaseResult(
  phase: string,
  label: string,
  clientProcess: PhaseResult['clientProcess'],
  records: number,
  start: CpuMark,
  end: CpuMark,
  details: Record<string, unknown> = {},
): PhaseResult {
  const wallMs = end.at - start.at;
  if (!(wallMs > 0)) throw new Error(`${phase}: no measurable time passed`);
  return {
    phase,
    label,
    clientProcess,
    records,
    wallMs,
    recordsPerSecond: (records / wallMs) * 1000,
    cpu: CpuMeter.between(start, end),
    load1: { start: start.load1, end: end.load1 },
    details,
  };
}
