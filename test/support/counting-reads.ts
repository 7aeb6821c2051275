import type { SnapshotInventoryProvider } from '../../src/app/inventory';

/**
 * The provider as before, on a new object that records in `reads` each subscription it reads
 * whole: what a cold instance or a sweep costs Resource Graph in Azure. The provider itself is
 * left as it is, so several counters can share one.
 */
export function countingWholeReads(provider: SnapshotInventoryProvider, reads: string[] = []): { readonly provider: SnapshotInventoryProvider; readonly reads: string[] } {
  const counting = Object.create(provider) as SnapshotInventoryProvider;
  counting.readSubscriptions = (subscriptionIds: readonly string[]) => {
    reads.push(...subscriptionIds);
    return provider.readSubscriptions(subscriptionIds);
  };
  return { provider: counting, reads };
}

/**
 * The provider as before, on a new object that records in `reads` each ID it is asked to read by
 * ID: Azure Resource Manager GETs in Azure, each against the subscription's read quota.
 */
export function countingReadsByIds(provider: SnapshotInventoryProvider, reads: string[] = []): { readonly provider: SnapshotInventoryProvider; readonly reads: string[] } {
  const counting = Object.create(provider) as SnapshotInventoryProvider;
  counting.readByIds = (ids: readonly string[]) => {
    reads.push(...ids);
    return provider.readByIds(ids);
  };
  return { provider: counting, reads };
}
