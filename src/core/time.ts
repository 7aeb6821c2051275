/** The later of two ISO 8601 times of one format (they compare as strings); `b` when `a` is undefined. */
/** `ms` before an ISO 8601 time, as ISO 8601 (the time itself when `ms` is 0); undefined when `time` is not a time. */
export function earlierBy(time: string, ms: number): string | undefined {
  const parsed = Date.parse(time);
  if (Number.isNaN(parsed)) return undefined;
  return ms <= 0 ? time : new Date(parsed - ms).toISOString();
}

export function maxTime(a: string | undefined, b: string): string {
  return a !== undefined && a > b ? a : b;
}
