/**
 * A progress indicator on stderr: redrawn in place on a terminal, a line per 10% when
 * stderr is a file or pipe (CI logs), and never on stdout, which stays clean for --json.
 */
export function progressLine(label: string): { update: (done: number, total: number) => void; finish: () => void } {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return {
    update: (done, total) => {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (tty) {
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}%`);
      } else if (Math.floor(percent / 10) > lastDecile) {
        lastDecile = Math.floor(percent / 10);
        process.stderr.write(`${label} ${percent}%\n`);
      }
    },
    finish: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}
