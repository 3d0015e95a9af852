import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** A short id unique to one run, usable in topic, group and database names. */
export function newRunId(now: number): string {
  return `${now.toString(36)}${randomBytes(2).toString('hex')}`;
}

/** The git commit (and whether the tree has changes) of a checkout; null when it is not a git checkout. */
export function gitRevision(checkout: string): { commit: string; dirty: boolean } | null {
  try {
    const commit = execFileSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['-C', checkout, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return null;
  }
}
