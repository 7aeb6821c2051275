/**
 * Change notices and event batches' announcements (src/store/change-notices.ts), on Azurite: an
 * announcement on a partition someone announced to since it was read writes nothing; notices say
 * what announced batches changed; the marker keeps the latest time a batch announced at.
 */
import { describe, expect, test } from 'vitest';
import { PartitionMovedError } from '../../src/store';
import type { ChangeNotice, FindingsStore } from '../../src/store';
import { useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const azurite = useAzurite();
const notice = (name: string, minute: number): ChangeNotice => ({ resourceId: subnetId(name), version: at(minute).toISOString(), at: at(minute).toISOString() });

/** An event batch's announcement on the partition as it is now. */
async function announce(store: FindingsStore, notices: readonly ChangeNotice[], minute: number): Promise<void> {
  await store.announceChanges(SUB_A, await store.syncPartition(SUB_A, undefined), notices, at(minute));
}

describe('change notices', () => {
  test('are read back newest per resource, filtered by when their batch announced, and are no findings', async () => {
    const store = await azurite.freshStore();
    expect(await store.syncPartition(SUB_A, undefined)).toEqual({ marker: undefined, notices: [] });
    await announce(store, [notice('a', 1)], 1);
    const second = await store.syncPartition(SUB_A.toUpperCase(), undefined);
    expect(second.notices).toEqual([notice('a', 1)]);
    expect(second.marker?.etag).toMatch(/./);

    await announce(store, [notice('a', 2), notice('b', 2)], 2);
    const third = await store.syncPartition(SUB_A, undefined);
    expect([...third.notices].sort((x, y) => x.resourceId.localeCompare(y.resourceId))).toEqual([notice('a', 2), notice('b', 2)]);
    expect((await store.syncPartition(SUB_A, at(2).toISOString())).notices).toEqual([]);
    expect((await store.syncPartition(SUB_A, at(1).toISOString())).notices).toHaveLength(2);

    // Notices are bookkeeping: no listing, lookup or repair takes them for findings.
    await store.recordEvaluations({ scope: { resourceKeys: new Set([subnetId('a').toLowerCase()]) }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(2), complete: true });
    expect((await store.listFindings({})).items.map((finding) => finding.resourceId)).toEqual([subnetId('a')]);
    expect(await store.repairFutureTimes({ dryRun: true })).toMatchObject({ findings: 0, markers: [] });
  });

  test('an announcement on a partition someone announced to since it was read writes nothing, and says so', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const slow = await store.syncPartition(SUB_A, undefined);
    await announce(store, [notice('b', 1)], 1);
    await expect(store.announceChanges(SUB_A, slow, [notice('a', 2)], at(2))).rejects.toBeInstanceOf(PartitionMovedError);
    expect((await store.syncPartition(SUB_A, undefined)).notices).toEqual([notice('b', 1)]);
  });

  test('a partition read before it had a marker cannot be announced to once a sweep made one', async () => {
    const store = await azurite.freshStore();
    const stale = await store.syncPartition(SUB_A, undefined);
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    await expect(store.announceChanges(SUB_A, stale, [notice('a', 1)], at(1))).rejects.toBeInstanceOf(PartitionMovedError);
    await expect(announce(store, [notice('a', 1)], 1)).resolves.toBeUndefined();
  });

  test('the marker keeps the latest time a batch announced at: older announcements and sweeps do not lower it', async () => {
    const store = await azurite.freshStore();
    await announce(store, [notice('a', 3)], 3);
    expect((await store.syncPartition(SUB_A, undefined)).marker?.eventAt).toBe(at(3).toISOString());
    await announce(store, [notice('b', 1)], 1);
    expect((await store.syncPartition(SUB_A, undefined)).marker?.eventAt).toBe(at(3).toISOString());
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('c'), 'fail')], evaluatedAt: at(4), complete: true });
    expect((await store.syncPartition(SUB_A, undefined)).marker).toMatchObject({ sweptAt: at(4).toISOString(), eventAt: at(3).toISOString() });
    await announce(store, [notice('d', 5)], 5);
    expect((await store.syncPartition(SUB_A, undefined)).marker).toMatchObject({ sweptAt: at(4).toISOString(), eventAt: at(5).toISOString() });
  });

  test('a complete sweep deletes the notices its read reflects; an incomplete one leaves them', async () => {
    const store = await azurite.freshStore();
    await announce(store, [notice('a', 1)], 1);
    await announce(store, [notice('b', 15)], 15);
    const sweep = { subscriptionIds: [SUB_A], incompleteSubscriptionIds: [SUB_A] };
    await store.recordEvaluations({ scope: sweep, evaluations: [], evaluatedAt: at(20), complete: false, noticesReflectedBefore: at(10) });
    expect((await store.syncPartition(SUB_A, undefined)).notices).toHaveLength(2);
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [], evaluatedAt: at(20), complete: true, noticesReflectedBefore: at(10) });
    expect((await store.syncPartition(SUB_A, undefined)).notices).toEqual([notice('b', 15)]);
  });
});
