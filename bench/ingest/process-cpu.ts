import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (utime and stime in /proc are counted in them). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (!Number.isInteger(value) || value <= 0) throw new Error(`getconf CLK_TCK answered ${JSON.stringify(value)}`);
    ticksPerSecond = value;
  }
  return ticksPerSecond;
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from
 * /proc/<pid>/stat fields 14 and 15. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted from the last ')'.
 */
export function processCpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    throw new Error(`cannot read /proc/${pid}/stat (has the process exited?): ${(error as Error).message}`);
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unexpected /proc/${pid}/stat: ${stat.slice(0, 200)}`);
  return (utime + stime) / clockTicks();
}

/** Peak resident set size (VmHWM) of a process in bytes, or null when the kernel does not report it. */
export function processPeakRssBytes(pid: number): number | null {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
}
