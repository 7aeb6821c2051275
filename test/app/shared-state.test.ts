import { gzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import type { ContainerClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { openSharedStates } from '../../src/app/azure';
import { SnapshotInventoryProvider } from '../../src/app/inventory';
import { BlobSharedStates, encodeState, STATE_FORMAT } from '../../src/app/shared-state';
import { SubscriptionStates } from '../../src/app/subscription-state';
import type { Inventory } from '../../src/inventory/types';
import { at, notificationEvent, PROD, SAMPLE_PATH, STORAGE_ID, storageRow } from './fixtures/events';
import type { AppLog } from '../../src/app/service';
import { AuditorApp } from '../../src/app/service';
import { loadSnapshotFile, READ_TYPES_ONLY } from '../../src/inventory/snapshot';
import { useAzurite, useAzuriteBlob } from '../support/azurite';
import { countingWholeReads } from '../support/counting-reads';

const blobs = useAzuriteBlob();
/** A fresh container per test, on the Azurite Blob service (loopback). */
const container = (): ContainerClient => blobs.container();

const inventory = (defaultAction: 'Allow' | 'Deny', capturedAt: string, gaps: Inventory['gaps'] = []): Inventory => ({ capturedAt, resources: [storageRow(defaultAction)], warnings: [], gaps });
const actionOf = (value: Inventory | undefined): unknown => (value?.resources[0] as { properties?: { networkAcls?: { defaultAction?: string } } } | undefined)?.properties?.networkAcls?.defaultAction;

describe('BlobSharedStates on Azurite', () => {
  it('writes a sweep\'s read as a gzipped, versioned blob and reads it back whole', async () => {
    const states = new BlobSharedStates(container());
    expect(await states.read(PROD)).toBeUndefined();
    expect(await states.write(PROD, inventory('Deny', '2026-11-24T10:00:00.000Z'), '2026-11-24T10:00:00.000Z')).toBe('written');
    const read = await states.read(PROD.toUpperCase());
    expect(read?.inventory.capturedAt).toBe('2026-11-24T10:00:00.000Z');
    expect(read?.inventory.resources.map((row) => row.id)).toEqual([STORAGE_ID]);
    expect(actionOf(read?.inventory)).toBe('Deny');
    expect(read?.etag).toMatch(/./);
  });

  it('never replaces a newer capture with an older one, and replaces an older one', async () => {
    const states = new BlobSharedStates(container());
    await states.write(PROD, inventory('Deny', '2026-11-24T10:05:00.000Z'), '2026-11-24T10:05:00.000Z');
    expect(await states.write(PROD, inventory('Allow', '2026-11-24T10:00:00.000Z'), '2026-11-24T10:00:00.000Z')).toBe('kept-newer');
    expect(actionOf((await states.read(PROD))?.inventory)).toBe('Deny');
    expect(await states.write(PROD, inventory('Allow', '2026-11-24T10:09:00.000Z'), '2026-11-24T10:09:00.000Z')).toBe('written');
    expect(actionOf((await states.read(PROD))?.inventory)).toBe('Allow');
  });

  it('two sweeps racing: each write is conditional on the ETag it read, so both land in order or the newer stays', async () => {
    const shared = container();
    const states = new BlobSharedStates(shared);
    const writes = await Promise.all(['2026-11-24T10:01:00.000Z', '2026-11-24T10:02:00.000Z', '2026-11-24T10:03:00.000Z'].map((time, index) => states.write(PROD, inventory(index === 2 ? 'Allow' : 'Deny', time), time)));
    expect(writes).toContain('written');
    expect((await states.read(PROD))?.inventory.capturedAt).toBe('2026-11-24T10:03:00.000Z');
  });

  it('shares no read with gaps, nor one without rows', async () => {
    const states = new BlobSharedStates(container());
    expect(await states.write(PROD, inventory('Deny', '2026-11-24T10:00:00.000Z', [{ scope: PROD, reason: 'throttled' }]), '2026-11-24T10:00:00.000Z')).toBe('not-shared');
    expect(await states.write(PROD, { resources: [], warnings: [], gaps: [] }, '2026-11-24T10:00:00.000Z')).toBe('not-shared');
    expect(await states.read(PROD)).toBeUndefined();
  });

  it.each([
    ['not gzip', () => Buffer.from('{"resources":[]}')],
    ['another format version', () => gzipSync(Buffer.from(JSON.stringify({ format: STATE_FORMAT, version: 2, subscriptionId: PROD, omittedRows: 0, capturedAt: '2026-11-24T10:00:00.000Z', resources: [storageRow('Deny')] })))],
    ['another subscription', () => encodeState('11111111-1111-4111-8111-111111111111', inventory('Deny', '2026-11-24T10:00:00.000Z'), '2026-11-24T10:00:00.000Z')],
    ['truncated JSON', () => gzipSync(Buffer.from(`{"format":"${STATE_FORMAT}","version":1,"subscriptionId":"${PROD}","omittedRows":0,"capturedAt":"2026`))],
  ])('ignores a blob that is %s, saying why', async (_, body) => {
    const shared = container();
    await shared.createIfNotExists();
    const bytes = body();
    await shared.getBlockBlobClient(`subscriptions/${PROD}.json.gz`).upload(bytes, bytes.length);
    const warnings: string[] = [];
    expect(await new BlobSharedStates(shared, (message) => warnings.push(message)).read(PROD)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`shared state of subscription ${PROD} ignored`);
  });
});

describe('SubscriptionStates with shared states: a cold instance reads no subscription whole', () => {
  function counted(): { readonly provider: SnapshotInventoryProvider; readonly reads: string[] } {
    return countingWholeReads(new SnapshotInventoryProvider(inventory('Deny', '2026-11-24T10:00:00.000Z')));
  }
  const minutes = (iso: string, add: number): number => Date.parse(iso) + add * 60_000;

  it('loads a fresh shared state instead of reading the subscription, on every cold instance', async () => {
    const shared = new BlobSharedStates(container());
    await shared.write(PROD, inventory('Allow', '2026-11-24T10:00:00.000Z'), '2026-11-24T10:00:00.000Z');
    const { provider, reads } = counted();
    for (let instance = 0; instance < 4; instance++) {
      const states = new SubscriptionStates(provider, 30 * 60_000, () => minutes('2026-11-24T10:00:00.000Z', 5), 50_000, shared);
      const state = await states.get(PROD);
      expect(state.estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Allow');
      expect(state.capturedAt).toBe('2026-11-24T10:00:00.000Z');
      expect(states.loadCounts()).toEqual({ shared: 1, inventory: 0 });
    }
    expect(reads).toEqual([]);
  });

  it('reads the subscription whole when the shared state is older than the TTL, absent, or its store unreachable', async () => {
    const shared = new BlobSharedStates(container());
    await shared.write(PROD, inventory('Allow', '2026-11-24T10:00:00.000Z'), '2026-11-24T10:00:00.000Z');
    const { provider, reads } = counted();
    const stale = new SubscriptionStates(provider, 30 * 60_000, () => minutes('2026-11-24T10:00:00.000Z', 45), 50_000, shared);
    expect((await stale.get(PROD)).estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Deny');
    const empty = new SubscriptionStates(provider, 30 * 60_000, () => minutes('2026-11-24T10:00:00.000Z', 1), 50_000, new BlobSharedStates(container()));
    await empty.get(PROD);
    const unreachable = new BlobSharedStates(BlobServiceClient.fromConnectionString(blobs.connectionString().replace(/:\d+\//, ':1/'), { retryOptions: { maxTries: 1 } }).getContainerClient('states'));
    const offline = new SubscriptionStates(provider, 30 * 60_000, () => minutes('2026-11-24T10:00:00.000Z', 1), 50_000, unreachable);
    await offline.get(PROD);
    expect(reads).toEqual([PROD, PROD, PROD]);
  });
});

describe('the app: sweeps share, a cold instance judges an event from the shared state', () => {
  const tables = useAzurite();
  const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

  it("a sweep writes the subscription's state; another instance's first event reads no subscription whole, and judges", async () => {
    const store = await tables.freshStore();
    const shared = new BlobSharedStates(container());
    // The sample was captured days ago: trust states that old, as a sweep's would be trusted minutes after it.
    const stateTtlMs = 365 * 24 * 3600_000;
    const sweeper = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH, READ_TYPES_ONLY)), store, sharedStates: shared, stateTtlMs });
    await sweeper.sweepSubscription(PROD, 'timer', quiet);
    expect((await shared.read(PROD))?.inventory.resources.length).toBeGreaterThan(10);

    const { provider, reads } = countingWholeReads(new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH, READ_TYPES_ONLY)));
    const cold = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider, store, sharedStates: shared, stateTtlMs });
    const result = await cold.handleEvent(notificationEvent(storageRow('Allow', STORAGE_ID), at(1_000)), quiet);
    expect(result.outcome).toBe('judged');
    expect(reads).toEqual([]);
    expect(cold.states.loadCounts()).toEqual({ shared: 1, inventory: 0 });
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
  });
});

describe('openSharedStates', () => {
  const settingsWith = (storage: { kind: 'connection-string'; connectionString: string } | { kind: 'account-url'; url: string }) => ({ storage }) as Parameters<typeof openSharedStates>[0];

  it("uses the connection string's blob endpoint", () => {
    expect(openSharedStates(settingsWith({ kind: 'connection-string', connectionString: blobs.connectionString() }))).toBeInstanceOf(BlobSharedStates);
  });

  it('guesses no blob endpoint for a connection string that names only a table endpoint (an emulator on a chosen port)', () => {
    expect(openSharedStates(settingsWith({ kind: 'connection-string', connectionString: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;' }))).toBeUndefined();
  });
});
