/** FNV-1a over UTF-16 code units: fast, stable across processes, good enough to spread tokens over buckets. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Statement text is noisy ("CARD 4821 TESCO STORES 3321 LONDON"): keep alphabetic tokens of
 * two letters or more, lower-cased, so reference numbers do not become features.
 */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z][a-z&']+/g) ?? [];
}
