/**
 * `BENCH_SCALE=small`: every section at a size CI can afford, to prove that `npm run bench` runs
 * from end to end (test/bench/sections.test.ts), not to measure anything. The figures in the
 * README come from the full sizes.
 */
export const SMALL_SCALE = process.env['BENCH_SCALE'] === 'small';

/** The section's size: `full` normally, `small` under BENCH_SCALE=small. */
export function scaled(full: number, small: number): number {
  return SMALL_SCALE ? small : full;
}
