const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n) of Liu et al. 2008: the average path length of an unsuccessful search in a binary
 * search tree of n points, 2·H(n−1) − 2(n−1)/n with H(i) ≈ ln(i) + γ. It normalises path
 * lengths into scores and stands in for the unbuilt subtree below a leaf holding n rows.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}
