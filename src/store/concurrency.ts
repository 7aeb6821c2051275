/** How the store shares time and work between writers: clock skew allowed, partitions at once. */

/** How far ahead of this clock an evaluation time may be (clock skew between hosts); beyond, it is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Partitions (subscriptions) written or maintained at once: Tables scale per partition. */
export const PARTITION_CONCURRENCY = 4;

/** Runs `work` over `items`, at most `limit` at a time; results in input order; the first failure rejects. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}
