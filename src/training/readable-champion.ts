/**
 * The champion a challenger is compared with (and grown from), or null when there is none
 * or its artifact cannot be read. A corrupt champion must not block its own replacement:
 * the challenger is then trained in full and judged alone, as for a first model.
 */
export function readableChampion<T>(artifact: Uint8Array | null, load: (bytes: Uint8Array) => T): T | null {
  if (artifact === null) return null;
  try {
    return load(artifact);
  } catch {
    return null;
  }
}
