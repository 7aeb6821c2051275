/** The later of two ISO 8601 times of one format (they compare as strings); `b` when `a` is undefined. */
export function maxTime(a: string | undefined, b: string): string {
  return a !== undefined && a > b ? a : b;
}
