import type { ModelKind } from './model-kind.js';
import type { Scope } from './scope.js';

/** `<scope>/<kind>/v<version>`: the id a stored model version is known by everywhere. */
export function modelId(scope: Scope, kind: ModelKind, version: number): string {
  return `${scope}/${kind}/v${version}`;
}
