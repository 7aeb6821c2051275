/**
 * Change notices and event batches' announcements (src/store/change-notices.ts), on Azurite: an
 * announcement on a partition someone announced to since it was read writes nothing; notices say
 * what announced batches changed; the marker keeps the latest time a batch announced at.
 */
import { TableClient } from '@azure/data-tables';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { MAX_NOTICED_STATE_BYTES } from '../../src/store/change-notices';
import { MARKER_ROW_KEY, partitionKeyOfSubscription, resourceHash } from '../../src/store/keys';
import { PartitionMovedError } from '../../src/store';
import type { ChangeNotice, FindingsStore, NoticedState } from '../../src/store';
import { uniqueTablePrefix, useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const azurite = useAzurite();
const notice = (name: string, minute: number): ChangeNotice => ({ resourceId: subnetId(name), version: at(minute).toISOString(), at: at(minute).toISOString() });
/** A subnet's row as a notice carries it. */
const row = (name: string, extra: Record<string, unknown> = {}): NoticedState => ({ kind: 'upsert', row: { id: subnetId(name), name, properties: { addressPrefix: '10.0.0.0/24', ...extra } } });
const carrying = (name: string, minute: number, state: NoticedState = row(name)): ChangeNotice => ({ ...notice(name, minute), state });

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

  describe('a sync over a previous one', () => {
    const sorted = (notices: readonly ChangeNotice[]): ChangeNotice[] => [...notices].sort((x, y) => x.resourceId.localeCompare(y.resourceId));

    test('lists only what was announced since, with its states, and holds what a whole listing would', async () => {
      const store = await azurite.freshStore();
      await announce(store, [carrying('a', 1), carrying('b', 1)], 1);
      const first = await store.syncPartition(SUB_A, undefined);
      expect(first.states).toBeUndefined();
      await announce(store, [carrying('b', 2), carrying('c', 2), notice('d', 2)], 2);

      const next = await store.syncPartition(SUB_A, undefined, first);
      expect(sorted(next.notices)).toEqual(sorted((await store.syncPartition(SUB_A, undefined)).notices));
      expect(sorted(next.notices)).toEqual([notice('a', 1), notice('b', 2), notice('c', 2), notice('d', 2)]);
      // Listed with the states: the three announced since, and the announcement the previous marker showed (it may have had more parts).
      expect(new Map([...(next.states ?? [])].map(([listed, state]) => [listed.resourceId, state]))).toEqual(
        new Map([
          [subnetId('a'), row('a')],
          [subnetId('b'), row('b')],
          [subnetId('c'), row('c')],
          [subnetId('d'), undefined],
        ]),
      );
      const unchanged = await store.syncPartition(SUB_A, undefined, next);
      expect(sorted(unchanged.notices)).toEqual(sorted(next.notices));
      expect([...(unchanged.states ?? new Map()).keys()].map((listed) => listed.resourceId).sort()).toEqual([subnetId('b'), subnetId('c'), subnetId('d')]);
    });

    test('takes in the rest of an announcement cut in several transactions, read between two of them', async () => {
      const prefix = uniqueTablePrefix();
      const store = await azurite.freshStore({ tablePrefix: prefix });
      await announce(store, [carrying('a', 1)], 1);
      const between = await store.syncPartition(SUB_A, undefined);
      // The announcement's next part: a notice with the same `at`, written over the marker the first part moved.
      await store.announceChanges(SUB_A, between, [carrying('b', 1)], at(1));
      const next = await store.syncPartition(SUB_A, undefined, between);
      expect(sorted(next.notices)).toEqual([notice('a', 1), notice('b', 1)]);
      expect([...(next.states ?? new Map()).keys()].map((listed) => listed.resourceId).sort()).toEqual([subnetId('a'), subnetId('b')]);
    });

    test('lists every notice again when the marker is not the one it read (its row deleted and made again)', async () => {
      const prefix = uniqueTablePrefix();
      const store = await azurite.freshStore({ tablePrefix: prefix });
      await announce(store, [notice('a', 5)], 5);
      const first = await store.syncPartition(SUB_A, undefined);
      const table = TableClient.fromConnectionString(azurite.server().connectionString, `${prefix}findings`, { allowInsecureConnection: true });
      await table.deleteEntity(partitionKeyOfSubscription(SUB_A), MARKER_ROW_KEY);
      await announce(store, [notice('b', 2)], 2);
      const next = await store.syncPartition(SUB_A, undefined, first);
      expect(sorted(next.notices)).toEqual([notice('a', 5), notice('b', 2)]);
    });

    test('after a sweep lists every notice again: the notices the sweep deleted are gone', async () => {
      const store = await azurite.freshStore();
      await announce(store, [notice('a', 1)], 1);
      await announce(store, [notice('b', 15)], 15);
      const first = await store.syncPartition(SUB_A, undefined);
      await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [], evaluatedAt: at(20), complete: true, noticesReflectedBefore: at(10) });
      const next = await store.syncPartition(SUB_A, undefined, first);
      expect(next.notices).toEqual([notice('b', 15)]);
      expect(next.states).toBeUndefined();
    });
  });

  describe('the states they carry', () => {

    test('are read back as written, by the notices that ask, and never listed', async () => {
      const store = await azurite.freshStore();
      const written = [carrying('a', 1, row('a')), carrying('b', 1, { kind: 'delete' }), notice('c', 1)];
      await announce(store, written, 1);
      const { notices } = await store.syncPartition(SUB_A, undefined);
      expect([...notices].sort((x, y) => x.resourceId.localeCompare(y.resourceId))).toEqual([notice('a', 1), notice('b', 1), notice('c', 1)]);
      // Small states too: the SDK sends a Uint8Array's whole underlying buffer, and a small Buffer shares an 8 KiB pool.
      expect(await store.noticedStates(SUB_A, notices)).toEqual(new Map([[subnetId('a'), row('a')], [subnetId('b'), { kind: 'delete' }]]));
      expect(await store.noticedStates(SUB_A, [])).toEqual(new Map());
    });

    // A few notices are read one by one; many (a cold instance catching up) in one listing.
    test.each([
      ['read one by one', 0],
      ['listed', 40],
    ])('too large to carry, replaced since, or not what was written: left out, for the reader to read from Azure (%s)', async (_, fillerCount) => {
      const prefix = uniqueTablePrefix();
      const store = await azurite.freshStore({ tablePrefix: prefix });
      // Incompressible: gzipped it is still past the limit, and the notice goes without its state.
      const large = row('large', { blob: randomBytes(MAX_NOTICED_STATE_BYTES).toString('base64') });
      const fillers = Array.from({ length: fillerCount }, (_, index) => carrying(`f${index}`, 1, row(`f${index}`)));
      await announce(store, [carrying('large', 1, large), carrying('old', 1, row('old')), carrying('bad', 1, row('bad')), carrying('other', 1, row('other')), ...fillers], 1);
      const first = await store.syncPartition(SUB_A, undefined);
      await announce(store, [carrying('old', 2, row('old', { addressPrefix: '10.9.0.0/24' }))], 2);

      const table = TableClient.fromConnectionString(azurite.server().connectionString, `${prefix}findings`, { allowInsecureConnection: true });
      const partitionKey = partitionKeyOfSubscription(SUB_A);
      await table.updateEntity({ partitionKey, rowKey: `.n${resourceHash(subnetId('bad'))}`, state: Uint8Array.from(Buffer.from('not gzip')) }, 'Merge');
      const elsewhere = gzipSync(Buffer.from(JSON.stringify(row('elsewhere'))));
      await table.updateEntity({ partitionKey, rowKey: `.n${resourceHash(subnetId('other'))}`, state: Uint8Array.from(elsewhere) }, 'Merge');

      expect(first.notices).toHaveLength(4 + fillerCount);
      const carried = new Map(fillers.map((filler) => [filler.resourceId, filler.state]));
      expect(await store.noticedStates(SUB_A, first.notices)).toEqual(carried);
      const { notices } = await store.syncPartition(SUB_A, at(1).toISOString());
      expect(await store.noticedStates(SUB_A, notices)).toEqual(new Map([[subnetId('old'), row('old', { addressPrefix: '10.9.0.0/24' })]]));
    });

    test('an announcement whose states pass a transaction body is cut into several, each under the marker', async () => {
      const store = await azurite.freshStore();
      // 120 states of ~45 KB gzipped: about 7 MB as sent, where a transaction's body stops at 4 MiB.
      const written = Array.from({ length: 120 }, (_, index) => carrying(`n${index}`, 1, row(`n${index}`, { blob: randomBytes(33_000).toString('base64') })));
      await announce(store, written, 1);
      const { notices, marker } = await store.syncPartition(SUB_A, undefined);
      expect(notices).toHaveLength(120);
      expect(marker?.eventAt).toBe(at(1).toISOString());
      const states = await store.noticedStates(SUB_A, notices);
      expect(states.size).toBe(120);
      expect(states.get(subnetId('n7'))).toEqual(written[7]?.state);
    });
  });
});

