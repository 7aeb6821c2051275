/**
 * Change notices and the event batch's hold on its partition (src/store/change-notices.ts), on
 * Azurite: a batch that read the partition before someone else wrote to it writes nothing, and
 * the notices it reads say what the other batch changed.
 */
import { describe, expect, test } from 'vitest';
import { PartitionMovedError } from '../../src/store';
import type { ChangeNotice } from '../../src/store';
import { useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const azurite = useAzurite();
const rule = 'nsg.batch-inbound';
const event = (name: string): { resourceKeys: Set<string> } => ({ resourceKeys: new Set([subnetId(name).toLowerCase()]) });
const notice = (name: string, minute: number): ChangeNotice => ({ resourceId: subnetId(name), version: at(minute).toISOString(), at: at(minute).toISOString() });

describe('change notices', () => {
  test("a batch's notices are read by the next batch's sync, newest per resource, and filtered by when their batch judged", async () => {
    const store = await azurite.freshStore();
    expect(await store.syncPartition(SUB_A, undefined)).toEqual({ marker: undefined, notices: [] });

    const first = await store.syncPartition(SUB_A, undefined);
    await store.recordEvaluations({ scope: event('a'), evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(1), complete: true, sync: { subscriptionId: SUB_A, partition: first, notices: [notice('a', 1)] } });
    const second = await store.syncPartition(SUB_A.toUpperCase(), undefined);
    expect(second.notices).toEqual([notice('a', 1)]);
    expect(second.marker?.etag).toMatch(/./);

    await store.recordEvaluations({ scope: event('b'), evaluations: [evaluation(subnetId('b'), 'fail')], evaluatedAt: at(2), complete: true, sync: { subscriptionId: SUB_A, partition: second, notices: [notice('a', 2), notice('b', 2)] } });
    const third = await store.syncPartition(SUB_A, undefined);
    expect([...third.notices].sort((x, y) => x.resourceId.localeCompare(y.resourceId))).toEqual([notice('a', 2), notice('b', 2)]);
    expect((await store.syncPartition(SUB_A, at(2).toISOString())).notices).toEqual([]);
    expect((await store.syncPartition(SUB_A, at(1).toISOString())).notices).toHaveLength(2);

    // Notices are bookkeeping: no listing, lookup or repair takes them for findings.
    expect((await store.listFindings({})).items.map((finding) => finding.resourceId).sort()).toEqual([subnetId('a'), subnetId('b')]);
    expect(await store.repairFutureTimes({ dryRun: true })).toMatchObject({ findings: 0, markers: [] });
  });

  test("the marker keeps the latest time an event batch was stored at: older batches and sweeps do not lower it", async () => {
    const store = await azurite.freshStore();
    const record = async (name: string, minute: number): Promise<void> => {
      const partition = await store.syncPartition(SUB_A, undefined);
      await store.recordEvaluations({ scope: event(name), evaluations: [evaluation(subnetId(name), 'fail')], evaluatedAt: at(minute), complete: true, sync: { subscriptionId: SUB_A, partition, notices: [] } });
    };
    await record('a', 3);
    expect((await store.syncPartition(SUB_A, undefined)).marker?.eventAt).toBe(at(3).toISOString());
    await record('b', 1);
    expect((await store.syncPartition(SUB_A, undefined)).marker?.eventAt).toBe(at(3).toISOString());
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('c'), 'fail')], evaluatedAt: at(4), complete: true });
    expect((await store.syncPartition(SUB_A, undefined)).marker).toMatchObject({ sweptAt: at(4).toISOString(), eventAt: at(3).toISOString() });
    await record('d', 5);
    expect((await store.syncPartition(SUB_A, undefined)).marker).toMatchObject({ sweptAt: at(4).toISOString(), eventAt: at(5).toISOString() });
  });

  test('a batch whose partition was written since it synced writes nothing, notices included, and says so', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const slow = await store.syncPartition(SUB_A, undefined);
    const fast = await store.syncPartition(SUB_A, undefined);
    await store.recordEvaluations({ scope: event('b'), evaluations: [evaluation(subnetId('b'), 'fail')], evaluatedAt: at(1), complete: true, sync: { subscriptionId: SUB_A, partition: fast, notices: [notice('b', 1)] } });

    const late = store.recordEvaluations({ scope: event('a'), evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(2), complete: true, sync: { subscriptionId: SUB_A, partition: slow, notices: [notice('a', 2)] } });
    await expect(late).rejects.toBeInstanceOf(PartitionMovedError);
    await expect(late).rejects.toMatchObject({ committed: [] });
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'open', evaluatedAt: at(0).toISOString() });
    expect((await store.syncPartition(SUB_A, undefined)).notices).toEqual([notice('b', 1)]);
  });

  test('without notices, a synced batch still writes only on the partition it read', async () => {
    const store = await azurite.freshStore();
    const stale = await store.syncPartition(SUB_A, undefined);
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    // The partition had no marker when it was read: creating it now collides with the sweep's.
    await expect(store.recordEvaluations({ scope: event('a'), evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(1), complete: true, sync: { subscriptionId: SUB_A, partition: stale, notices: [] } })).rejects.toBeInstanceOf(PartitionMovedError);
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'open' });
    const fresh = await store.syncPartition(SUB_A, undefined);
    await expect(store.recordEvaluations({ scope: event('a'), evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(1), complete: true, sync: { subscriptionId: SUB_A, partition: fresh, notices: [] } })).resolves.toMatchObject({ resolved: 1 });
  });
});
