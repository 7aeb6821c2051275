import type { SnapshotInventoryProvider } from '../../src/app/inventory';

/** The provider's reads that take a list of names, each of which a counter records. */
type ListRead = 'readSubscriptions' | 'readByIds';

/**
 * The provider as before, on a new object that records in `reads` each name `method` is asked for.
 * The provider itself is left as it is, so several counters can share one.
 */
function counting(provider: SnapshotInventoryProvider, method: ListRead, reads: string[]): { readonly provider: SnapshotInventoryProvider; readonly reads: string[] } {
  const recorded = Object.create(provider) as SnapshotInventoryProvider;
  const read = provider[method].bind(provider) as (names: readonly string[]) => Promise<unknown>;
  Object.defineProperty(recorded, method, {
    value: (names: readonly string[]) => {
      reads.push(...names);
      return read(names);
    },
    writable: true,
    configurable: true,
  });
  return { provider: recorded, reads };
}

/** Each subscription read whole: what a cold instance or a sweep costs Resource Graph in Azure. */
export function countingWholeReads(provider: SnapshotInventoryProvider, reads: string[] = []): { readonly provider: SnapshotInventoryProvider; readonly reads: string[] } {
  return counting(provider, 'readSubscriptions', reads);
}

/** Each ID read by ID: Azure Resource Manager GETs in Azure, each against the subscription's read quota. */
export function countingReadsByIds(provider: SnapshotInventoryProvider, reads: string[] = []): { readonly provider: SnapshotInventoryProvider; readonly reads: string[] } {
  return counting(provider, 'readByIds', reads);
}
