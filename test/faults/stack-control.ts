// The test stack's servers for fault tests that stop, freeze or restart them: which
// STACK_DIR the tests use, a server's pid (checked against the marker stack.sh puts on its
// command line), and scripts/stack.sh itself.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { REPO_ROOT } from './fault-deployment.js';

const MARKER = /-Drelearn\.stack\.server=(kafka|registry|mongo)@(.+)$/;

/** Command lines of the servers scripts/stack.sh started (any STACK_DIR): pid, server, STACK_DIR. */
export function stackServerProcesses(): { pid: number; server: string; stackDir: string; args: string[] }[] {
  const found: { pid: number; server: string; stackDir: string; args: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    for (const arg of args) {
      const match = MARKER.exec(arg);
      if (match !== null) found.push({ pid: Number(entry), server: match[1] as string, stackDir: match[2] as string, args });
    }
  }
  return found;
}

/** STACK_DIR of the stack the tests use: the environment's, else the one whose MongoDB server listens on MONGODB_URI's port. */
export function findStackDir(): string {
  const given = process.env.STACK_DIR?.trim();
  if (given !== undefined && given !== '') return given;
  const port = /:(\d+)/.exec(process.env.MONGODB_URI?.replace(/^mongodb:\/\//, '') ?? '')?.[1] ?? '27017';
  const mongo = stackServerProcesses().filter((server) => server.server === 'mongo' && server.args.includes('--port') && server.args[server.args.indexOf('--port') + 1] === port);
  if (mongo.length !== 1 || mongo[0] === undefined) {
    throw new Error(`this test needs the stack of scripts/stack.sh (it signals MongoDB and restarts Kafka); set STACK_DIR (found ${mongo.length} MongoDB servers of stack.sh on port ${port})`);
  }
  return mongo[0].stackDir;
}

/** The pid of a server from $STACK_DIR/run, checked against the marker on its command line (as stack.sh does). */
export function serverPid(stackDir: string, server: 'mongo' | 'kafka'): number {
  const file = `${stackDir}/run/${server}.pid`;
  if (!existsSync(file)) throw new Error(`${file} does not exist: is the stack of scripts/stack.sh running with STACK_DIR=${stackDir}?`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  if (!args.includes(`-Drelearn.stack.server=${server}@${stackDir}`)) throw new Error(`pid ${pid} of ${file} is not the ${server} server of ${stackDir}`);
  return pid;
}

/** Runs scripts/stack.sh with the given arguments on STACK_DIR; rejects with its output when it fails. */
export function stackScript(stackDir: string, args: readonly string[], timeoutMs = 240_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [`${REPO_ROOT}scripts/stack.sh`, ...args], { env: { ...process.env, STACK_DIR: stackDir }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (error === null) resolve(output);
      else reject(new Error(`scripts/stack.sh ${args.join(' ')} failed (${error.message}):\n${output}`));
    });
  });
}
