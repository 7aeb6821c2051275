/**
 * Several instances judging events of one subscription (Flex Consumption scales the event
 * function out to many): each holds its own state of the subscription, so one may not have seen
 * what another has just judged. A verdict judged on such a state must never overwrite the other's
 * (src/store/change-notices.ts): the batch reads what the others changed before it judges, and
 * judges again if someone wrote to the partition in between. On Azurite, Tables and Blobs.
 */
import { describe, expect, it } from 'vitest';
import type { ResourcesRead } from '../../src/app/inventory';
import { SnapshotInventoryProvider } from '../../src/app/inventory';
import { TransientError } from '../../src/app/ports';
import type { AppLog } from '../../src/app/service';
import { AuditorApp } from '../../src/app/service';
import { BlobSharedStates } from '../../src/app/shared-state';
import { loadSnapshotFile, READ_TYPES_ONLY } from '../../src/inventory/snapshot';
import type { Inventory, ResourceRow } from '../../src/inventory/types';
import type { FindingsStore } from '../../src/store';
import { useAzurite, useAzuriteBlob } from '../support/azurite';
import { countingReadsByIds } from '../support/counting-reads';
import { at, notificationEvent, PROD, SAMPLE_PATH, sampleRow, STORAGE_ID, storageRow } from './fixtures/events';

const tables = useAzurite();
const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const KEY_VAULT_ID = `/subscriptions/${PROD}/resourceGroups/rg-ml-prod/providers/Microsoft.KeyVault/vaults/kv-ml-prod-01`;
// The sample was captured days ago: states that old are trusted here, as a fresh sweep's would be.
const STATE_TTL_MS = 365 * 24 * 3600_000;
const settings = { scopeSubscriptions: [], coalesceMs: 5 };

const blobs = useAzuriteBlob();

/** kv-ml-prod-01 with its firewall default action set (Deny as in the sample; Allow = opened to all networks). */
function keyVaultRow(defaultAction: 'Allow' | 'Deny'): ResourceRow {
  const row = sampleRow(KEY_VAULT_ID);
  (row.properties as { networkAcls: { defaultAction: string } }).networkAcls.defaultAction = defaultAction;
  return row;
}

interface AfterASweep {
  readonly store: FindingsStore;
  /** The sample as the source of truth: what Azure Resource Manager would answer. */
  readonly truth: SnapshotInventoryProvider;
  /** The instance that swept. */
  readonly first: AuditorApp;
  /** Another instance on the same store and shared states, reading `provider` (default: the truth). */
  readonly instance: (overrides?: { readonly provider?: SnapshotInventoryProvider; readonly store?: FindingsStore }) => AuditorApp;
}

/** A fresh store and shared states over the sample, swept by a first instance reading `sweepWith(truth)` (default: the truth). */
async function afterASweep(sweepWith: (truth: SnapshotInventoryProvider) => SnapshotInventoryProvider = (truth) => truth): Promise<AfterASweep> {
  const store = await tables.freshStore();
  const truth = new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH, READ_TYPES_ONLY));
  const shared = new BlobSharedStates(blobs.container());
  const instance = (overrides: { readonly provider?: SnapshotInventoryProvider; readonly store?: FindingsStore } = {}): AuditorApp =>
    new AuditorApp({ settings, provider: overrides.provider ?? truth, store: overrides.store ?? store, sharedStates: shared, stateTtlMs: STATE_TTL_MS });
  const first = instance({ provider: sweepWith(truth) });
  await first.sweepSubscription(PROD, 'timer', quiet);
  return { store, truth, first, instance };
}

describe('instances judging events of one subscription', () => {
  it.each([
    ['holds the state it read before the change', false],
    ['is cold and loads the state the sweep shared, from before the change', true],
  ])("an instance that %s leaves the other's verdict on it as it was judged", async (_, cold) => {
    const { store, first, instance } = await afterASweep();
    const second = instance();
    // Warm: the second instance reads the subscription now, before the first one's event.
    if (!cold) expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).outcome).toBe('judged');

    // The first instance sees the storage account opened to all networks: its finding opens.
    expect((await first.handleEvent(notificationEvent(storageRow('Allow'), at(2_000)), quiet)).outcome).toBe('judged');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');

    // A later change to the workspace's key vault reaches the second instance, which re-judges every
    // subject serving the workspace, the storage account among them. Its own state still says Deny.
    const result = await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(3_000)), quiet);
    expect(result).toMatchObject({ outcome: 'judged', batch: { noticed: 1 } });
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    // It read the storage account again, so its own state now has it as it is.
    const storage = second.states.peek(PROD)?.estate.storageAccount(STORAGE_ID);
    expect(storage?.defaultAction).toBe('Allow');
  });

  it("an instance applies the state another instance's notice carries, without reading Azure Resource Manager for it", async () => {
    const { store, first, instance } = await afterASweep();
    // Its own source has not moved: had it read the storage account there, it would have judged it closed.
    const reads: string[] = [];
    const own = countingReadsByIds(new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH, READ_TYPES_ONLY)), reads).provider;
    const second = instance({ provider: own });
    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).outcome).toBe('judged');

    expect((await first.handleEvent(notificationEvent(storageRow('Allow'), at(2_000)), quiet)).outcome).toBe('judged');
    expect(await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(3_000)), quiet)).toMatchObject({ outcome: 'judged', batch: { noticed: 1, noticedReadAgain: 0 } });
    expect(reads).toEqual([]);
    expect(second.states.peek(PROD)?.estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Allow');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
  });

  it("a warm instance takes in another's changes, with their states, in one listing of what was announced since it last looked", async () => {
    const { store, first, instance } = await afterASweep();
    const statesAsked: number[] = [];
    const counted = Object.create(store) as FindingsStore;
    counted.noticedStates = (subscriptionId, notices) => {
      statesAsked.push(notices.length);
      return store.noticedStates(subscriptionId, notices);
    };
    const reads: string[] = [];
    const second = instance({ provider: countingReadsByIds(new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH, READ_TYPES_ONLY)), reads).provider, store: counted });
    expect((await first.handleEvent(notificationEvent(keyVaultRow('Allow'), at(500)), quiet)).outcome).toBe('judged');
    // Cold: it lists the notices since its state, then reads the one state it needs.
    expect(await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).toMatchObject({ outcome: 'judged' });
    expect(statesAsked).toEqual([1]);

    expect((await first.handleEvent(notificationEvent(storageRow('Allow'), at(2_000)), quiet)).outcome).toBe('judged');
    expect(await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(3_000)), quiet)).toMatchObject({ outcome: 'judged', batch: { noticed: 1, noticedReadAgain: 0 } });
    expect(statesAsked).toEqual([1]);
    expect(reads).toEqual([]);
    expect(second.states.peek(PROD)?.estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Allow');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
  });

  it("a notice's state that is no row Azure writes (properties a number) is judged unknown, and the finding stays open", async () => {
    const { store, first, instance } = await afterASweep();
    const second = instance();
    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).outcome).toBe('judged');
    expect((await first.handleEvent(notificationEvent(storageRow('Allow'), at(2_000)), quiet)).outcome).toBe('judged');
    // Another batch announces the storage account as a row whose properties are a number.
    const damaged = { ...storageRow('Allow'), properties: 7 };
    await store.announceChanges(PROD, await store.syncPartition(PROD, undefined), [{ resourceId: STORAGE_ID, version: at(2_500), at: at(2_500), state: { kind: 'upsert', row: damaged } }], new Date(at(2_500)));

    const result = await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(3_000)), quiet);
    expect(result).toMatchObject({ outcome: 'judged', batch: { noticed: 1, noticedReadAgain: 0, complete: false } });
    expect(await store.getFinding('storage.default-deny', STORAGE_ID)).toMatchObject({ state: 'open', status: 'unknown' });
  });

  it('an instance reads from Azure Resource Manager what a notice carries no state for (an older version wrote it, or it was too large)', async () => {
    const { store, truth, instance } = await afterASweep();
    const stateless = announcingNoStates(store);
    const reads: string[] = [];
    const second = instance({ provider: countingReadsByIds(truth, reads).provider });
    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).outcome).toBe('judged');

    expect((await instance({ store: stateless }).handleEvent(notificationEvent(storageRow('Allow'), at(2_000)), quiet)).outcome).toBe('judged');
    expect(await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(3_000)), quiet)).toMatchObject({ outcome: 'judged', batch: { noticed: 1, noticedReadAgain: 1 } });
    expect(reads).toEqual([STORAGE_ID]);
    expect(second.states.peek(PROD)?.estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Allow');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
  });

  it.each([
    ['announces its own (after reading the partition): it reads again, and judges with the other\'s change', 'announceChanges', 1, 1],
    ['stores its findings (after announcing): the other, which judged with its change, keeps the newer verdicts', 'recordEvaluations', 0, 0],
  ] as const)("an instance whose batch is held while another instance's batch is stored, until it %s", async (_, held, rereads, noticed) => {
    const { store, first, instance } = await afterASweep();
    expect((await store.getFinding('keyvault.default-deny', KEY_VAULT_ID))?.state).not.toBe('open');

    const gate = heldOnce(store, held);
    const second = instance({ store: gate.store });
    const late = second.handleEvent(notificationEvent(keyVaultRow('Allow'), at(2_000)), quiet);
    await gate.reached;
    expect((await first.handleEvent(notificationEvent(storageRow('Allow'), at(1_000)), quiet)).outcome).toBe('judged');
    gate.release();
    expect(await late).toMatchObject({ outcome: 'judged', batch: { rereads, noticed } });
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect((await store.getFinding('keyvault.default-deny', KEY_VAULT_ID))?.state).toBe('open');
  });

  it('a batch that must read its partition again (another announced first) reads its own changes from Azure Resource Manager once', async () => {
    const { store, truth, instance } = await afterASweep();
    // As in Azure: events carry no state the app trusts, every change is read by ID.
    const azure = laggingWholeRead(truth, { current: true });
    const reads: string[] = [];
    const gate = heldOnce(store, 'announceChanges');
    const second = instance({ provider: countingReadsByIds(azure.provider, reads).provider, store: gate.store });
    truth.applyChange({ kind: 'upsert', row: keyVaultRow('Allow'), time: at(2_000) });
    const late = second.handleEvent(notificationEvent(keyVaultRow('Allow'), at(2_000)), quiet);
    await gate.reached;
    truth.applyChange({ kind: 'upsert', row: storageRow('Allow'), time: at(1_000) });
    expect((await instance({ provider: azure.provider }).handleEvent(notificationEvent(storageRow('Allow'), at(1_000)), quiet)).outcome).toBe('judged');
    gate.release();
    expect(await late).toMatchObject({ outcome: 'judged', batch: { rereads: 1, noticed: 1 } });
    // The key vault once (before the other announced), the storage account never (its notice carried it).
    expect(reads.map((id) => id.toLowerCase())).toEqual([KEY_VAULT_ID.toLowerCase()]);
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect((await store.getFinding('keyvault.default-deny', KEY_VAULT_ID))?.state).toBe('open');
  });

  it('an instance whose state predates the latest complete sweep judges on what the sweep saw: a change whose event never came', async () => {
    const { store, truth, first: sweeper, instance } = await afterASweep();
    const second = instance();
    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).outcome).toBe('judged');

    // The storage account is opened to all networks, and its event is lost; the next sweep sees it.
    truth.applyChange({ kind: 'upsert', row: storageRow('Allow'), time: at(2_000) });
    await sweeper.sweepSubscription(PROD, 'timer', quiet);
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');

    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(3_000)), quiet)).outcome).toBe('judged');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect(second.states.peek(PROD)?.estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Allow');
    // From the state the sweep shared, not a whole read.
    expect(second.states.loadCounts()).toEqual({ shared: 2, inventory: 0 });
  });

  it("a sweep whose whole read lags behind an event reads that event's resource again, and leaves its finding open", async () => {
    let lagging!: ReturnType<typeof laggingWholeRead>;
    const { store, first: sweeper, instance } = await afterASweep((truth) => (lagging = laggingWholeRead(truth)).provider);
    const second = instance();
    expect((await second.handleEvent(notificationEvent(storageRow('Allow'), at(1_000)), quiet)).outcome).toBe('judged');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');

    // Resource Graph still answers the storage account as it was, a second after the event: the sweep must not resolve the finding on that.
    lagging.capturedAfterMs = 2_000;
    const lines: string[] = [];
    await sweeper.sweepSubscription(PROD, 'timer', { ...quiet, info: (line) => lines.push(line) });
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect(lines.join('\n')).toMatch(/read 1 resource\(s\) events changed again/);
  });

  it.each([
    ['a cold instance, whose whole read begins after the event', 'cold'],
    ['an instance whose state a sweep replaced after the event', 'swept'],
  ] as const)("%s judges the event's change when the read lags behind it, and opens its finding", async (_, how) => {
    const store = await tables.freshStore();
    const truth = new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH, READ_TYPES_ONLY));
    // As in Azure: reads by ID (ARM) are current; whole reads (Resource Graph) lag.
    const azure = laggingWholeRead(truth, { current: true });
    const app = new AuditorApp({ settings, provider: azure.provider, store, stateTtlMs: STATE_TTL_MS });
    if (how === 'swept') {
      azure.capturedAfterMs = -60_000;
      expect((await app.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(-30_000)), quiet)).outcome).toBe('judged');
    }
    truth.applyChange({ kind: 'upsert', row: storageRow('Allow'), time: at(1_000) });
    // Resource Graph, read two seconds after the change (by the instance itself, or by a sweep), still shows the storage account closed.
    azure.capturedAfterMs = 2_000;
    if (how === 'swept') await app.sweepSubscription(PROD, 'timer', quiet);
    expect(await app.handleEvent(notificationEvent(storageRow('Allow'), at(1_000)), quiet)).toMatchObject({ outcome: 'judged' });
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect(app.states.peek(PROD)?.estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Allow');
  });

  it("a sweep that lags behind an event announced between its read of the notices and its claim judges that change again after the claim", async () => {
    const { store, truth, instance } = await afterASweep();
    // As in Azure: reads by ID (ARM) are current; the sweep's whole read (Resource Graph) lags.
    const azure = laggingWholeRead(truth, { current: true });
    azure.capturedAfterMs = 2_000;
    const gate = heldOnce(store, 'recordEvaluations');
    const sweeper = instance({ provider: azure.provider, store: gate.store });
    const sweep = sweeper.sweepSubscription(PROD, 'timer', quiet);
    await gate.reached;
    // The sweep has read the notices (none), judged and shared its state; before it claims the partition, another instance judges the storage account opened.
    truth.applyChange({ kind: 'upsert', row: storageRow('Allow'), time: at(1_000) });
    expect((await instance({ provider: azure.provider }).handleEvent(notificationEvent(storageRow('Allow'), at(1_000)), quiet)).outcome).toBe('judged');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    gate.release();
    await sweep;
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
  });

  it("a batch of older events judged after another instance's newer batch was stored is dated later than it", async () => {
    const { store, first, instance } = await afterASweep();
    const second = instance();
    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(500)), quiet)).outcome).toBe('judged');
    const newer = await first.handleEvent(notificationEvent(storageRow('Allow'), at(3_000)), quiet);
    // Delivered late: the key vault's event is older than the batch the first instance stored.
    const older = await second.handleEvent(notificationEvent(keyVaultRow('Allow'), at(1_000)), quiet);
    if (newer.outcome !== 'judged' || older.outcome !== 'judged') throw new Error('both events should be judged');
    expect(older.batch.evaluatedAt > newer.batch.evaluatedAt).toBe(true);
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect((await store.getFinding('keyvault.default-deny', KEY_VAULT_ID))?.state).toBe('open');
  });

  it('an event delivered again after its batch announced its change and failed to store is judged', async () => {
    const { store, instance } = await afterASweep();
    const failing = Object.create(store) as FindingsStore;
    let down = true;
    failing.recordEvaluations = async (input) => {
      if (down) throw new Error('the table endpoint did not answer');
      return store.recordEvaluations(input);
    };
    const app = instance({ store: failing });
    const event = notificationEvent(storageRow('Allow'), at(1_000));
    await expect(app.handleEvent(event, quiet)).rejects.toBeInstanceOf(TransientError);
    expect((await store.syncPartition(PROD, undefined)).notices.map((notice) => notice.resourceId)).toEqual([STORAGE_ID]);
    down = false;
    expect(await app.handleEvent(event, quiet)).toMatchObject({ outcome: 'judged' });
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
  });

  it('an instance older than a complete sweep needs no notice the sweep deleted: it reads the state the sweep shared', async () => {
    const { store, truth, first, instance } = await afterASweep();
    const second = instance();
    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(-30 * 60_000)), quiet)).outcome).toBe('judged');
    expect((await first.handleEvent(notificationEvent(storageRow('Allow'), at(-20 * 60_000)), quiet)).outcome).toBe('judged');

    // A sweep reads the estate now, the storage account's change in it, and deletes the notices older than ten minutes.
    const current = Object.create(truth) as SnapshotInventoryProvider;
    current.readSubscriptions = async (subscriptionIds) => ({ ...(await truth.readSubscriptions(subscriptionIds)), capturedAt: at(0) });
    await instance({ provider: current }).sweepSubscription(PROD, 'timer', quiet);
    expect((await store.syncPartition(PROD, undefined)).notices).toEqual([]);

    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).outcome).toBe('judged');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
  });

  it("fails its events (Event Grid delivers them again) when it cannot read what another instance changed, and stores nothing", async () => {
    const { store, truth, instance } = await afterASweep();
    const blind = unreadableStorage(truth);
    const second = instance({ provider: blind.provider });
    expect((await second.handleEvent(notificationEvent(sampleRow(KEY_VAULT_ID), at(1_000)), quiet)).outcome).toBe('judged');
    // Its notice carries no state (too large, or an older version wrote it): the change must be read from Azure.
    expect((await instance({ store: announcingNoStates(store) }).handleEvent(notificationEvent(storageRow('Allow'), at(2_000)), quiet)).outcome).toBe('judged');

    await expect(second.handleEvent(notificationEvent(keyVaultRow('Allow'), at(3_000)), quiet)).rejects.toBeInstanceOf(TransientError);
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect((await store.getFinding('keyvault.default-deny', KEY_VAULT_ID))?.state).not.toBe('open');
    // Readable again, the redelivered event is judged with both changes.
    blind.readable = true;
    expect((await second.handleEvent(notificationEvent(keyVaultRow('Allow'), at(3_000)), quiet)).outcome).toBe('judged');
    expect((await store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect((await store.getFinding('keyvault.default-deny', KEY_VAULT_ID))?.state).toBe('open');
  });
});

/** The source of truth, on a new object whose reads by ID fail for the storage account (throttled) until `readable` is set. */
function unreadableStorage(truth: SnapshotInventoryProvider): { readonly provider: SnapshotInventoryProvider; readable: boolean } {
  const blind = { provider: Object.create(truth) as SnapshotInventoryProvider, readable: false };
  blind.provider.readByIds = async (ids: readonly string[]): Promise<ResourcesRead> => {
    const read = await truth.readByIds(ids);
    if (blind.readable) return read;
    const storage = (id: string): boolean => id.toLowerCase() === STORAGE_ID.toLowerCase();
    return { ...read, resources: read.resources.filter((row) => !storage(row.id)), failures: [...read.failures, ...ids.filter(storage).map((id) => ({ id, reason: 'HTTP 429', transient: true }))] };
  };
  return blind;
}

/**
 * The source of truth, on a new object read whole as Resource Graph may answer shortly after a
 * change: the storage account closed (as it was), captured now plus `capturedAfterMs`.
 */
function laggingWholeRead(truth: SnapshotInventoryProvider, options: { readonly current?: boolean } = {}): { readonly provider: SnapshotInventoryProvider; capturedAfterMs: number } {
  const lagging = { provider: Object.create(truth) as SnapshotInventoryProvider, capturedAfterMs: 0 };
  // `current`: its reads by ID answer the truth as it is now, as Azure Resource Manager does (the truth moves by applyChange).
  if (options.current === true) Object.defineProperty(lagging.provider, 'readsAreCurrent', { value: true });
  lagging.provider.readSubscriptions = async (subscriptionIds: readonly string[]): Promise<Inventory> => {
    const whole = await truth.readSubscriptions(subscriptionIds);
    const resources = whole.resources.map((row) => (row.id.toLowerCase() === STORAGE_ID.toLowerCase() ? storageRow('Deny') : row));
    return { ...whole, resources, capturedAt: at(lagging.capturedAfterMs) };
  };
  return lagging;
}

/** The store, on a new object whose first call of `method` waits (after `reached`) until `release()`. */
function heldOnce(store: FindingsStore, method: 'announceChanges' | 'recordEvaluations'): { readonly store: FindingsStore; readonly reached: Promise<void>; release(): void } {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  const held = Object.create(store) as FindingsStore;
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  (held as unknown as Record<string, unknown>)[method] = async (...args: unknown[]): Promise<unknown> => {
    if (calls++ === 0) {
      reach();
      await released;
    }
    return original(...args);
  };
  return { store: held, reached, release };
}

/** The store, on a new object whose announcements carry no states, as an older version (or a state too large) writes them. */
function announcingNoStates(store: FindingsStore): FindingsStore {
  const stateless = Object.create(store) as FindingsStore;
  stateless.announceChanges = (subscriptionId, partition, notices, when) =>
    store.announceChanges(subscriptionId, partition, notices.map(({ resourceId, version, at: batchAt }) => ({ resourceId, version, at: batchAt })), when);
  return stateless;
}
