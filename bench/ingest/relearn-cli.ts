import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the bench reads of `relearn config --json`: the names and thresholds the process will use. */
export interface EffectiveSettings {
  mongodb: { database: string };
  core: {
    topics: Record<string, string>;
    groups: { ingest: string; trainer: string };
    policies: {
      categorizer: { minInitialRows: number; minInitialSpanMs: number };
      forecaster: { minInitialRows: number; minInitialSpanMs: number };
    };
  };
}

export interface RegisteredSubject {
  topic: string;
  subject: string;
  id: number;
}

/** `relearn` of the build under test: `node <dist>/cli/main.js …`, run from the checkout it belongs to. */
export class RelearnCli {
  readonly main: string;
  readonly checkout: string;

  constructor(dist: string) {
    this.main = join(dist, 'cli', 'main.js');
    if (!existsSync(this.main)) throw new Error(`${this.main} does not exist: build that checkout first (npm run build) or pass --dist <dir>`);
    this.checkout = dirname(dist);
  }

  private async json(args: readonly string[], env: Record<string, string>): Promise<unknown> {
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [this.main, ...args], { env, cwd: this.checkout, maxBuffer: 64 * 1024 * 1024 }));
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`relearn ${args.join(' ')} failed: ${(error as Error).message.split('\n')[0] ?? ''}\n${stderr.split('\n').slice(-20).join('\n')}`);
    }
    try {
      return JSON.parse(stdout) as unknown;
    } catch {
      throw new Error(`relearn ${args.join(' ')} printed no JSON: ${stdout.slice(0, 500)}`);
    }
  }

  /** The effective settings for `env` (validated by relearn itself). */
  async settings(env: Record<string, string>): Promise<EffectiveSettings> {
    const settings = (await this.json(['config', '--json'], env)) as EffectiveSettings;
    const policy = settings.core?.policies?.categorizer;
    if (typeof policy?.minInitialRows !== 'number' || typeof settings.core.topics?.transactions !== 'string') {
      throw new Error('relearn config --json lacks core.policies.categorizer.minInitialRows or core.topics.transactions');
    }
    return settings;
  }

  /** `relearn topics apply`: creates the topics of the settings in `env`; fails on a refused change. */
  async applyTopics(env: Record<string, string>): Promise<{ topic: string; action: string }[]> {
    const result = (await this.json(['topics', 'apply', '--json'], env)) as { changes?: { topic: string; action: string }[] };
    if (!Array.isArray(result.changes)) throw new Error('relearn topics apply --json printed no changes list');
    return result.changes;
  }

  /** `relearn schemas register`: every value schema under `<topic>-value`, with its id. */
  async registerSchemas(env: Record<string, string>): Promise<RegisteredSubject[]> {
    const result = (await this.json(['schemas', 'register', '--json'], env)) as { schemas?: RegisteredSubject[] };
    if (!Array.isArray(result.schemas)) throw new Error('relearn schemas register --json printed no schemas list');
    return result.schemas;
  }
}
