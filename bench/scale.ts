/**
 * Sizes and repetitions of the bench's figures.
 *
 * `BENCH_SCALE=small`: every section at a size CI can afford, to prove that `npm run bench` runs
 * from end to end (test/bench/sections.test.ts), not to measure anything. The figures in the
 * README come from the full sizes.
 */
export const SMALL_SCALE = process.env['BENCH_SCALE'] === 'small';

/** The section's size: `full` normally, `small` under BENCH_SCALE=small. */
export function scaled(full: number, small: number): number {
  return SMALL_SCALE ? small : full;
}

/** How many times a timed figure is taken (its median is shown): BENCH_RUNS, default 3 (1 at small scale). */
export function benchRuns(): number {
  const value = Number(process.env['BENCH_RUNS'] ?? String(scaled(3, 1)));
  return Number.isInteger(value) && value > 0 ? value : scaled(3, 1);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
