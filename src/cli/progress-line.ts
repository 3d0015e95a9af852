import { processIo, type CliIo } from './cli-io.js';

/**
 * A progress indicator on stderr: redrawn in place on a terminal, a line per 10% when
 * stderr is a file or pipe (CI logs), and never on stdout, which stays clean for --json.
 */
export function progressLine(label: string, io: Pick<CliIo, 'err' | 'errIsTTY'> = processIo()): { update: (done: number, total: number, note?: string) => void; finish: () => void } {
  const tty = io.errIsTTY;
  let lastDecile = -1;
  return {
    update: (done, total, note) => {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      const suffix = note === undefined ? '' : ` ${note}`;
      if (tty) {
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        io.err(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}%${suffix}\x1b[K`);
      } else if (Math.floor(percent / 10) > lastDecile) {
        lastDecile = Math.floor(percent / 10);
        io.err(`${label} ${percent}%${suffix}\n`);
      }
    },
    finish: () => {
      if (tty) io.err('\n');
    },
  };
}
