/**
 * The event and sweep paths never resolve what was not judged (against Azurite): a state read
 * with gaps, a rule that failed as a whole, an event dated in the future, a resource that cannot
 * be read. Each leaves stored findings as they were, and says so.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEvent } from '../../src/app/events';
import type { AppliedChange, InventoryProvider, ResourcesRead } from '../../src/app/inventory';
import { ResourceGraphInventoryProvider, SnapshotInventoryProvider } from '../../src/app/inventory';
import { TransientError } from '../../src/app/ports';
import { ChangeProcessor } from '../../src/app/processor';
import type { AppLog } from '../../src/app/service';
import { AuditorApp } from '../../src/app/service';
import { loadSnapshotFile } from '../../src/inventory/snapshot';
import type { Inventory, ResourceRow } from '../../src/inventory/types';
import { staticTokenCredential } from '../../src/live';
import { nsgOutboundServiceTagsRule } from '../../src/rules/nsg/outbound-service-tags';
import type { FindingsStore } from '../../src/store';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { useAzurite } from '../support/azurite';
import { armWriteEvent, at, DEV, notificationEvent, PROD, SAMPLE_PATH, sampleRow, STORAGE_ID, storageRow } from './fixtures/events';
import { readFileSync } from 'node:fs';

const azurite = useAzurite();
const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DEV_RG = `/subscriptions/${DEV}/resourceGroups/rg-ml-dev/providers`;
const DEV_WORKSPACE = `${DEV_RG}/Microsoft.MachineLearningServices/workspaces/ws-dev`;
const DEV_NSG = `${DEV_RG}/Microsoft.Network/networkSecurityGroups/nsg-ml-dev-training`;
const DEV_TRAINING = `${DEV_RG}/Microsoft.Network/virtualNetworks/vnet-ml-dev/subnets/snet-training`;
const DEV_SPOKE_WORKSPACE = `/subscriptions/${DEV}/resourceGroups/rg-ml-spoke/providers/Microsoft.MachineLearningServices/workspaces/ws-spoke`;
const DEV_AKS = `/subscriptions/${DEV}/resourceGroups/rg-ml-inference/providers/Microsoft.ContainerService/managedClusters/aks-ml-public`;

let server: ArmServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.stop();
  server = undefined;
});

/** The sample estate, except that listing ws-dev's computes fails (as a transient ARM error would). */
class ComputesListFails implements InventoryProvider {
  readonly kind = 'snapshot' as const;
  readonly readsAreCurrent = false;
  constructor(private readonly inner: SnapshotInventoryProvider) {}
  listSubscriptions(): Promise<readonly string[]> {
    return this.inner.listSubscriptions();
  }
  async readSubscriptions(subscriptionIds: readonly string[]): Promise<Inventory> {
    const whole = await this.inner.readSubscriptions(subscriptionIds);
    return {
      ...whole,
      resources: whole.resources.filter((row) => !row.id.toLowerCase().startsWith(`${DEV_WORKSPACE.toLowerCase()}/computes/`)),
      gaps: [{ scope: DEV_WORKSPACE, reason: 'workspace computes: HTTP 500' }],
    };
  }
  countRows(subscriptionIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.inner.countRows(subscriptionIds);
  }
  readByIds(ids: readonly string[]): Promise<ResourcesRead> {
    return this.inner.readByIds(ids);
  }
  applyChange(change: AppliedChange): void {
    this.inner.applyChange(change);
  }
}

async function sampleProvider(): Promise<SnapshotInventoryProvider> {
  return new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH));
}

async function state(store: FindingsStore, ruleId: string, resourceId: string): Promise<string | undefined> {
  return (await store.getFinding(ruleId, resourceId))?.state;
}

describe('never resolve what was not judged', () => {
  it('a sweep that reads nothing of a subscription (gone from the inventory) resolves none of its findings', async () => {
    const store = await azurite.freshStore();
    await new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: await sampleProvider(), store }).sweepSubscription(DEV, 'timer', quiet);
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');
    const sample = await loadSnapshotFile(SAMPLE_PATH);
    const withoutDev = new SnapshotInventoryProvider({ ...sample, resources: sample.resources.filter((row) => !row.id.toLowerCase().startsWith(`/subscriptions/${DEV}`)) });
    const sweep = await new AuditorApp({ settings: { scopeSubscriptions: [DEV], coalesceMs: 5 }, provider: withoutDev, store }).sweepSubscription(DEV, 'timer', quiet);
    expect(sweep.complete).toBe(false);
    expect(sweep.gaps).toEqual([{ scope: `/subscriptions/${DEV}`, reason: expect.stringContaining('nothing of this subscription was read') }]);
    expect(sweep.changes).toEqual([]);
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');
  });

  it('an event judged on a state read with gaps resolves nothing: the subnet\'s NSG findings stay open', async () => {
    const store = await azurite.freshStore();
    const complete = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: await sampleProvider(), store });
    await complete.sweepSubscription(DEV, 'timer', quiet);
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');

    // A cold instance whose read of the subscription lost ws-dev's computes; then a write to the NSG nearby.
    const cold = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: new ComputesListFails(await sampleProvider()), store });
    const result = await cold.handleEvent(notificationEvent(sampleRow(DEV_NSG), at(1_000)), quiet);
    expect(result.outcome).toBe('judged');
    if (result.outcome !== 'judged') return;
    expect(result.batch.complete).toBe(false);
    expect(result.batch.changes.filter((change) => change.kind === 'resolved')).toEqual([]);
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');
    expect(await state(store, 'nsg.mcr-outbound', DEV_TRAINING)).toBe('open');
    // The gapped state is not kept as good: the next event reads the subscription again.
    const reads = vi.spyOn(ComputesListFails.prototype, 'readSubscriptions');
    await cold.handleEvent(notificationEvent(sampleRow(DEV_NSG), at(2_000)), quiet);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('a rule that fails as a whole leaves its findings as they were; the sweep says it was incomplete', async () => {
    const store = await azurite.freshStore();
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: await sampleProvider(), store });
    await app.sweepSubscription(DEV, 'timer', quiet);
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');

    vi.spyOn(nsgOutboundServiceTagsRule, 'subjects').mockImplementation(() => {
      throw new Error('injected rule bug');
    });
    const errors: string[] = [];
    const sweep = await app.sweepSubscription(DEV, 'timer', { ...quiet, error: (line) => errors.push(line) });
    expect(sweep.complete).toBe(false);
    expect(sweep.gaps).toContainEqual({ scope: 'rule:nsg.outbound-service-tags', reason: expect.stringContaining('injected rule bug') });
    expect(errors.join('\n')).toContain('nsg.outbound-service-tags');
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');
    // Both sweeps read the same snapshot time; the second is recorded as incomplete.
    const records = await store.listSweeps(DEV);
    expect(records.map((record) => record.complete).sort()).toEqual([false, true]);

    // The same on the event path.
    const result = await app.handleEvent(notificationEvent(sampleRow(DEV_NSG), at(1_000)), quiet);
    expect(result.outcome === 'judged' && result.batch.ruleErrors.map((error) => error.ruleId)).toEqual(['nsg.outbound-service-tags']);
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');
  });

  it('an event that brings a malformed row judges what depends on it unknown and resolves nothing', async () => {
    const store = await azurite.freshStore();
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: await sampleProvider(), store });
    await app.sweepSubscription(DEV, 'timer', quiet);
    expect(await state(store, 'aks.private-cluster', DEV_AKS)).toBe('open');

    // Read as it was, a cluster whose API server profile is not an object is "not private": the finding would have been resolved.
    const row = sampleRow(DEV_AKS);
    const damaged = { ...row, properties: { ...(row.properties as object), apiServerAccessProfile: 7 } };
    const result = await app.handleEvent(notificationEvent(damaged, at(1_000)), quiet);
    expect(result.outcome).toBe('judged');
    if (result.outcome !== 'judged') return;
    expect(result.batch.complete).toBe(false);
    expect(result.batch.changes.filter((change) => change.kind === 'resolved')).toEqual([]);
    const finding = await store.getFinding('aks.private-cluster', DEV_AKS);
    expect(finding).toMatchObject({ state: 'open', status: 'unknown' });
    expect(finding?.message).toContain('its row is malformed: properties.apiServerAccessProfile is a number, where Azure writes an object');
  });

  it('refuses an event dated in the future (it would freeze findings), logging why; later events and sweeps still judge', async () => {
    const store = await azurite.freshStore();
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: await sampleProvider(), store });
    await app.sweepSubscription(DEV, 'timer', quiet);
    const warnings: string[] = [];
    const future = notificationEvent(storageRow('Allow', STORAGE_ID), '2999-01-01T00:00:00.000Z');
    const refused = await app.handleEvent(future, { ...quiet, warn: (line) => warnings.push(line) });
    expect(refused).toMatchObject({ outcome: 'malformed', reason: expect.stringMatching(/2999-01-01.*after this clock/) });
    expect(warnings.join('\n')).toContain('2999');
    // The resource event time inside a notification is bounded too.
    const inner = notificationEvent(storageRow('Allow', STORAGE_ID), at(0)) as { data: { operationalInfo: { resourceEventTime: string } } };
    inner.data.operationalInfo.resourceEventTime = '2999-01-01T00:00:00.000Z';
    expect(parseEvent(inner).outcome).toBe('malformed');
    // A few seconds ahead is clock skew, not an error.
    expect(parseEvent(notificationEvent(storageRow('Allow', STORAGE_ID), at(30_000))).outcome).toBe('change');

    const judged = await app.handleEvent(notificationEvent(storageRow('Allow', STORAGE_ID), at(1_000)), quiet);
    expect(judged.outcome).toBe('judged');
    expect(await state(store, 'storage.default-deny', STORAGE_ID)).toBe('open');
  });
});

describe('events read Azure Resource Manager, each resource on its own', () => {
  it('an unreadable resource fails only its own event: 503 is retried by Event Grid, 403 is logged and dropped; the rest of the batch is judged', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
    const rows = structuredClone(sample.resources);
    const forbidden = `${DEV_RG}/Microsoft.KeyVault/vaults/kv-ml-dev`;
    const flaky = `${DEV_RG}/Microsoft.ContainerRegistry/registries/crmldev01`;
    server = await startArmServer({
      rows,
      serviceTags: sample.serviceTags,
      faults: [
        { when: (request) => request.kind === 'resource' && request.path.toLowerCase() === forbidden.toLowerCase(), status: 403 },
        { when: (request) => request.kind === 'resource' && request.path.toLowerCase() === flaky.toLowerCase(), status: 503 },
      ],
    });
    const provider = new ResourceGraphInventoryProvider({ credential: staticTokenCredential('t'), armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry: { retryDelayMs: 1, maxRetries: 1 } }, async () => [DEV]);
    const store = await azurite.freshStore();
    const app = new AuditorApp({ settings: { scopeSubscriptions: [DEV], coalesceMs: 50 }, provider, store });
    await app.sweepSubscription(DEV, 'timer', quiet);

    const storage = `${DEV_RG}/Microsoft.Storage/storageAccounts/stmldev01`;
    const warnings: string[] = [];
    const log = { ...quiet, warn: (line: string) => warnings.push(line) };
    const [good, denied, transient] = await Promise.allSettled([
      app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', storage, at(1_000)), log),
      app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', forbidden, at(1_000)), log),
      app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', flaky, at(1_000)), log),
    ]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { outcome: 'judged', batch: { applied: 1, events: 3 } } });
    expect(denied.status).toBe('fulfilled');
    expect(warnings.join('\n')).toMatch(/kv-ml-dev cannot be read \(.*HTTP 403/);
    expect(transient).toMatchObject({ status: 'rejected', reason: expect.any(TransientError) });
    // Nothing about the unread resources was resolved.
    expect(await state(store, 'keyvault.default-deny', forbidden)).toBe('open');
    expect(await state(store, 'acr.compute-subnet-allowed', flaky)).toBe('open');
  });

  it('a sweep that cannot list a workspace\'s computes leaves every finding that may rest on them as it was, and says so', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
    let failing = false;
    server = await startArmServer({ rows: structuredClone(sample.resources), serviceTags: sample.serviceTags, faults: [{ when: (request) => failing && request.kind === 'computes', status: 500 }] });
    const provider = new ResourceGraphInventoryProvider({ credential: staticTokenCredential('t'), armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry: { retryDelayMs: 1, maxRetries: 1 } });
    const store = await azurite.freshStore();
    const app = new AuditorApp({ settings: { scopeSubscriptions: [DEV], coalesceMs: 5 }, provider, store });
    await app.sweepSubscription(DEV, 'timer', quiet);
    const asJudged = async () => (await store.listFindings({ top: 1000 })).items.map((finding) => `${finding.ruleId} ${finding.resourceId} ${finding.state} ${finding.status} ${finding.message}`).sort();
    const before = await asJudged();
    expect(await state(store, 'acr.image-build-compute', DEV_SPOKE_WORKSPACE)).toBeUndefined();

    failing = true;
    const lines: string[] = [];
    const sweep = await app.sweepSubscription(DEV, 'timer', { ...quiet, info: (line: string) => lines.push(line) });
    expect(sweep.complete).toBe(false);
    // Read as if it had no computes, ws-spoke "builds images on a compute it does not have": a high-severity fail was opened.
    expect(sweep.changes).toEqual([]);
    expect(await asJudged()).toEqual(before);
    expect(sweep.summary.unknown).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/\d+ verdict\(s\) not given, their findings left as they were, for want of part of the estate/);
  });

  it('an event judged on a state whose workspace computes could not be listed leaves their findings as they were, and says so', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
    let failing = false;
    server = await startArmServer({ rows: structuredClone(sample.resources), serviceTags: sample.serviceTags, faults: [{ when: (request) => failing && request.kind === 'computes', status: 500 }] });
    const live = { credential: staticTokenCredential('t'), armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry: { retryDelayMs: 1, maxRetries: 1 } };
    const store = await azurite.freshStore();
    await new AuditorApp({ settings: { scopeSubscriptions: [DEV], coalesceMs: 5 }, provider: new ResourceGraphInventoryProvider(live), store }).sweepSubscription(DEV, 'timer', quiet);
    const asJudged = async () => (await store.listFindings({ top: 1000 })).items.map((finding) => `${finding.ruleId} ${finding.resourceId} ${finding.state} ${finding.status} ${finding.message}`).sort();
    const before = await asJudged();

    // A cold instance reads the subscription while listing computes fails, then judges a write to ws-spoke.
    failing = true;
    const lines: string[] = [];
    const cold = new AuditorApp({ settings: { scopeSubscriptions: [DEV], coalesceMs: 5 }, provider: new ResourceGraphInventoryProvider(live), store });
    const result = await cold.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', DEV_SPOKE_WORKSPACE, at(1_000)), { ...quiet, info: (line: string) => lines.push(line) });
    expect(result).toMatchObject({ outcome: 'judged', batch: { complete: false, changes: [] } });
    if (result.outcome === 'judged') expect(result.batch.notRead).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/verdict\(s\) not given \(their findings left as they were\) for want of part of the estate/);
    expect(await asJudged()).toEqual(before);
  });

  it('a batch sweep that cannot read its subscriptions at all writes no finding, records the failed attempt for each, and is retried', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
    server = await startArmServer({ rows: structuredClone(sample.resources), serviceTags: sample.serviceTags });
    const live = { armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry: { retryDelayMs: 1, maxRetries: 1 } };
    const store = await azurite.freshStore();
    await new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: new ResourceGraphInventoryProvider({ ...live, credential: staticTokenCredential('t') }), store }).sweepSubscriptions([DEV, PROD], 'timer', quiet);
    const before = (await store.listFindings({ top: 1000 })).items;
    expect(before.length).toBeGreaterThan(0);

    // The managed identity's token endpoint fails: the whole read throws before any request.
    const noToken = { getToken: () => Promise.reject(new Error('ManagedIdentityCredential: the token endpoint did not answer')) };
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: new ResourceGraphInventoryProvider({ ...live, credential: noToken }), store });
    const graphBefore = server.requestsOf('graph').length;
    const failed = await app.sweepSubscriptions([DEV, PROD], 'timer', quiet).then(() => undefined, (error: unknown) => error);
    expect(failed).toBeInstanceOf(TransientError);
    expect((failed as Error).message).toMatch(/cannot read the inventory of subscriptions .*token endpoint did not answer/);
    expect(server.requestsOf('graph').length).toBe(graphBefore);
    for (const subscription of [DEV, PROD]) {
      const [latest] = await store.listSweeps(subscription);
      expect(latest, subscription).toMatchObject({ complete: false, error: expect.stringContaining('token endpoint did not answer') });
    }
    expect((await store.listFindings({ top: 1000 })).items).toEqual(before);
  });

  it('a 404 for an API version the cloud does not serve is not a deletion: the storage account\'s findings stay as they were', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
    // A sovereign cloud that does not serve the auditor's storage API version: ARM answers 404 InvalidResourceType.
    server = await startArmServer({ rows: structuredClone(sample.resources), serviceTags: sample.serviceTags, apiVersions: { 'microsoft.storage/storageaccounts': ['2019-06-01'] } });
    const provider = new ResourceGraphInventoryProvider({ credential: staticTokenCredential('t'), armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry: { retryDelayMs: 1, maxRetries: 1 } }, async () => [DEV]);
    const store = await azurite.freshStore();
    const app = new AuditorApp({ settings: { scopeSubscriptions: [DEV], coalesceMs: 5 }, provider, store });
    await app.sweepSubscription(DEV, 'timer', quiet);
    const storage = `${DEV_RG}/Microsoft.Storage/storageAccounts/stmldev01`;
    const open = (await store.listFindings({ state: 'open' })).items.filter((finding) => finding.resourceId.toLowerCase() === storage.toLowerCase());
    expect(open.length).toBeGreaterThan(0);

    const warnings: string[] = [];
    const result = await app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', storage, at(1_000)), { ...quiet, warn: (line: string) => warnings.push(line) });
    expect(result.outcome).toBe('judged');
    expect(warnings.join('\n')).toMatch(/stmldev01 cannot be read \(.*404: InvalidResourceType/);
    // Taken as deleted, the account was judged "not in the inventory" everywhere: its findings rewritten, one opened.
    if (result.outcome === 'judged') expect(result.batch.changes).toEqual([]);
    for (const finding of open) expect(await store.getFinding(finding.ruleId, finding.resourceId)).toMatchObject({ state: 'open', status: finding.status, message: finding.message });
  });

  it('takes sku, kind and identity from the ARM read, never from the stale row: a registry upgraded to Premium passes', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
    const rows = structuredClone(sample.resources);
    const registry = rows.find((row) => /registries\/crmlresearch$/i.test(row.id)) as ResourceRow & { sku: { name: string } };
    const subscription = String(registry.subscriptionId);
    server = await startArmServer({ rows, serviceTags: sample.serviceTags });
    const provider = new ResourceGraphInventoryProvider({ credential: staticTokenCredential('t'), armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry: { retryDelayMs: 1 } }, async () => [subscription]);
    const store = await azurite.freshStore();
    const processor = new ChangeProcessor({ provider, states: new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider, store }).states, store, coalesceMs: 5 });
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider, store });
    await app.sweepSubscription(subscription, 'timer', quiet);
    expect(await state(store, 'acr.premium-sku', registry.id)).toBe('open');

    // The upgrade: ARM now answers Premium. The Resource Notifications payload has no sku at all.
    registry.sku = { name: 'Premium' };
    const event = notificationEvent({ ...registry, sku: undefined }, at(1_000));
    const parsed = parseEvent(event);
    if (parsed.outcome !== 'change') throw new Error('fixture');
    const [outcome] = await processor.submit([parsed.change]);
    expect(outcome?.applied).toBe(1);
    expect(await state(store, 'acr.premium-sku', registry.id)).toBe('resolved');
  });
});

describe('profiles', () => {
  it('a sweep under the current profile leaves the findings of superseded rules as they were, and does not confirm them', async () => {
    const store = await azurite.freshStore();
    const documented = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: await sampleProvider(), store });
    await documented.sweepSubscription(DEV, 'timer', quiet);
    const superseded = (await store.listFindings({ subscriptionId: DEV, state: 'open', top: 1000 })).items.filter((finding) => finding.ruleId === 'aks.private-cluster');
    expect(superseded).toHaveLength(1);
    const before = superseded[0]!;

    const current = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5, profile: 'current' }, provider: await sampleProvider(), store });
    expect(current.profile).toBe('current');
    const sweep = await current.sweepSubscription(DEV, 'timer', quiet);
    expect(sweep.complete).toBe(true);
    expect(sweep.changes.filter((change) => change.kind === 'resolved')).toEqual([]);
    const after = await store.getFinding('aks.private-cluster', before.resourceId);
    expect(after).toMatchObject({ state: 'open', evaluatedAt: before.evaluatedAt, lastSeen: before.lastSeen });
    // The rules the profile runs are still judged and confirmed by the sweep.
    expect(await state(store, 'nsg.outbound-service-tags', DEV_TRAINING)).toBe('open');
  });
});
