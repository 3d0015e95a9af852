import { cpus, loadavg, totalmem } from 'node:os';

/** What the figures were measured on; the machine is shared, so the load is part of the record. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ')}`;
}
