import type { z } from 'zod';

/**
 * How a secret is shown by `relearn config`, in logs and in error messages: `whole`
 * hides the value, `url-credentials` hides only the password inside a URL.
 */
export type SecretKind = 'no' | 'whole' | 'url-credentials';

/**
 * One setting: the zod schema its value must pass (from the file or from the
 * environment), its default, the environment variable that sets it, and the words used
 * when a value is wrong. Every setting has an environment variable and a place in the
 * JSON file (its path in the settings tree), so the two sources never disagree on what
 * exists.
 */
export interface Setting<T> {
  readonly kind: 'setting';
  readonly env: string;
  readonly schema: z.ZodType<T>;
  readonly default: T;
  /** Reads the variable's text; text it cannot read passes through unchanged so the schema rejects it. */
  readonly fromEnv: (text: string) => unknown;
  /** What a valid value looks like, in the words of an error message: "an integer from 1 to 65535". */
  readonly expected: string;
  readonly description: string;
  readonly secret: SecretKind;
}

/** A group of settings: the same nesting as the JSON file. */
export interface SettingsTree {
  readonly [key: string]: Setting<unknown> | SettingsTree;
}

export function isSetting(node: Setting<unknown> | SettingsTree): node is Setting<unknown> {
  return (node as Setting<unknown>).kind === 'setting';
}

/** The typed values of a tree: each setting replaced by the type of its value. */
export type SettingValues<Tree> = {
  -readonly [Key in keyof Tree]: Tree[Key] extends Setting<infer Value> ? Value : SettingValues<Tree[Key]>;
};

export interface SettingLeaf {
  /** Dotted path in the file, e.g. `kafka.brokers`. */
  path: string;
  setting: Setting<unknown>;
}

/** Every setting of a tree, in declaration order. */
export function settingLeaves(tree: SettingsTree, prefix = ''): SettingLeaf[] {
  const leaves: SettingLeaf[] = [];
  for (const [key, node] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isSetting(node)) leaves.push({ path, setting: node });
    else leaves.push(...settingLeaves(node, path));
  }
  return leaves;
}
