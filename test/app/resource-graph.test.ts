import { afterEach, describe, expect, it } from 'vitest';
import { ResourceGraphInventoryProvider } from '../../src/app/inventory';
import type { AppLog } from '../../src/app/service';
import { AuditorApp } from '../../src/app/service';
import { staticTokenCredential } from '../../src/live';
import type { ResourceRow } from '../../src/inventory/types';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { useAzurite } from '../support/azurite';
import { armWriteEvent, at, DEV, PROD, SAMPLE_PATH, STORAGE_ID, storageRow } from './fixtures/events';
import { readFileSync } from 'node:fs';

/**
 * The Azure path: sweeps read Resource Graph; events are judged by reading each changed resource
 * from Azure Resource Manager by ID (src/live, against the local HTTPS Resource Graph/ARM server),
 * never from the graph, which may still lag the change.
 */
const azurite = useAzurite();
const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const VNET_ID = `/subscriptions/${PROD}/resourceGroups/rg-ml-prod/providers/Microsoft.Network/virtualNetworks/vnet-ml-prod`;

function replaceRow(rows: ResourceRow[], row: ResourceRow): void {
  const index = rows.findIndex((candidate) => candidate.id.toLowerCase() === row.id.toLowerCase());
  rows[index] = row;
}

describe('resourceChanged on Resource Graph', () => {
  it('reads a written resource by ID, and a written subnet as its VNet, then re-judges the neighbourhood', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
    const rows = structuredClone(sample.resources);
    const arm = await startArmServer({ rows, serviceTags: sample.serviceTags });
    server = arm;
    const provider = new ResourceGraphInventoryProvider(
      { credential: staticTokenCredential('test-token'), armEndpoint: arm.endpoint, tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1 } },
      async () => [PROD],
    );
    const app = new AuditorApp({ settings: { scopeSubscriptions: [PROD], coalesceMs: 10 }, provider, store: await azurite.freshStore() });
    const sweep = await app.sweepSubscription(PROD, 'timer', quiet);
    expect(sweep.complete).toBe(true);
    const afterSweep = arm.requests.length;

    // Someone opens the storage firewall; ARM's system topic says only "written".
    replaceRow(rows, storageRow('Allow'));
    const written = await app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', STORAGE_ID, at(1_000)), quiet);
    expect(written.outcome === 'judged' && written.batch.applied).toBe(1);
    expect((await app.store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');

    // Someone removes the Storage service endpoint of the training subnet: a subnet write.
    const vnet = structuredClone(rows.find((row) => row.id === VNET_ID)) as ResourceRow & { properties: { subnets: { name: string; properties: { serviceEndpoints: { service: string }[] } }[] } };
    const training = vnet.properties.subnets.find((subnet) => subnet.name === 'snet-training');
    training!.properties.serviceEndpoints = training!.properties.serviceEndpoints.filter((endpoint) => endpoint.service !== 'Microsoft.Storage');
    replaceRow(rows, vnet);
    replaceRow(rows, storageRow('Deny'));
    const subnetWrite = await app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', `${VNET_ID}/subnets/snet-training`, at(2_000)), quiet);
    const storageWrite = await app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', STORAGE_ID, at(2_000)), quiet);
    expect(subnetWrite.outcome).toBe('judged');
    expect(storageWrite.outcome).toBe('judged');
    expect((await app.store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('resolved');
    expect((await app.store.getFinding('storage.compute-subnet-allowed', STORAGE_ID))?.state).toBe('open');
    const eventReads = arm.requests.slice(afterSweep);
    expect(eventReads.filter((request) => request.kind === 'graph')).toEqual([]);
    // The subnet was read as its VNet, from ARM, with the Network API version.
    expect(eventReads.map((request) => [request.method, request.path.toLowerCase(), request.query['api-version']])).toEqual(
      expect.arrayContaining([
        ['GET', VNET_ID.toLowerCase(), '2024-05-01'],
        ['GET', STORAGE_ID.toLowerCase(), '2023-05-01'],
      ]),
    );
  });
});

describe('sweeps in batches on Resource Graph', () => {
  const provider = (arm: ArmServer) =>
    new ResourceGraphInventoryProvider({ credential: staticTokenCredential('test-token'), armEndpoint: arm.endpoint, tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1 } }, async () => [PROD, DEV]);
  const sampleRows = (): ResourceRow[] => structuredClone((JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[] }).resources);
  const findingsOf = async (app: AuditorApp, subscriptionId: string) =>
    (await app.store.listFindings({ subscriptionId })).items.map((finding) => `${finding.ruleId} ${finding.resourceId.toLowerCase()} ${finding.status} ${finding.state}`).sort();

  it('reads a batch with one request per table and stores for each subscription what a sweep of it alone stores', async () => {
    // A grant at a management group above PROD only: Resource Graph lists it for the whole batch, the estate applies it where the ancestry says.
    const grant = {
      id: '/providers/Microsoft.Management/managementGroups/mg-ml/providers/Microsoft.Authorization/roleAssignments/ra-mg',
      name: 'ra-mg',
      type: 'microsoft.authorization/roleassignments',
      properties: { principalId: 'p-aks', roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7', scope: '/providers/Microsoft.Management/managementGroups/mg-ml' },
    };
    const batchServer = await startArmServer({ rows: [...sampleRows(), grant], managementGroups: { 'mg-ml': [PROD] } });
    server = batchServer;
    const batched = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 10 }, provider: provider(batchServer), store: await azurite.freshStore() });
    const outcomes = await batched.sweepSubscriptions([PROD, DEV], 'timer', quiet);
    expect(outcomes.map((outcome) => [outcome.subscriptionId, outcome.complete])).toEqual([
      [PROD, true],
      [DEV, true],
    ]);
    const batchGraph = batchServer.requests.filter((request) => request.kind === 'graph');
    expect(batchGraph.map((request) => request.subscriptions)).toEqual(Array.from({ length: 4 }, () => [PROD, DEV]));
    await batchServer.stop();

    const aloneServer = await startArmServer({ rows: [...sampleRows(), grant], managementGroups: { 'mg-ml': [PROD] } });
    server = aloneServer;
    const alone = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 10 }, provider: provider(aloneServer), store: await azurite.freshStore() });
    const single = [await alone.sweepSubscription(PROD, 'timer', quiet), await alone.sweepSubscription(DEV, 'timer', quiet)];
    expect(aloneServer.requests.filter((request) => request.kind === 'graph')).toHaveLength(8);
    expect(outcomes.map((outcome) => outcome.summary)).toEqual(single.map((outcome) => outcome.summary));
    for (const subscription of [PROD, DEV]) {
      const stored = await findingsOf(batched, subscription);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored).toEqual(await findingsOf(alone, subscription));
    }
  });

  it('the timer counts rows first (one request) and keeps every message within the row budget', async () => {
    const arm = await startArmServer({ rows: sampleRows() });
    server = arm;
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 10 }, provider: provider(arm), store: await azurite.freshStore() });
    const plan = await app.sweepPlan(at(), 'timer', quiet);
    expect(plan).toMatchObject({ targets: 2, messages: [{ subscriptionIds: [PROD, DEV], trigger: 'timer' }] });
    expect(arm.requests.filter((request) => request.kind === 'graph').map((request) => request.subscriptions)).toEqual([[PROD, DEV]]);
    const counts = await provider(arm).countRows([PROD, DEV]);
    expect(counts.get(PROD)).toBeGreaterThan(10);

    // A count that fails costs the sweep nothing but its sizing: batches by number, and a warning.
    const failing = await startArmServer({ rows: sampleRows(), faults: [{ when: (request) => request.kind === 'graph', status: 403 }] });
    const warnings: string[] = [];
    try {
      const blind = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 10 }, provider: provider(failing), store: app.store });
      const unsized = await blind.sweepPlan(at(), 'timer', { ...quiet, warn: (line) => warnings.push(line) });
      expect(unsized.messages.map((message) => message.subscriptionIds)).toEqual([[PROD, DEV]]);
    } finally {
      await failing.stop();
    }
    expect(warnings).toEqual(['sweep: could not count the resources of 2 of 2 subscription(s); batching them 50 to a message whatever their size']);

    const unsigned = Object.assign(Object.create(provider(arm)) as ResourceGraphInventoryProvider, { countRows: () => Promise.reject(new Error('not signed in to Azure')) });
    const throwing = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 10, sweepBatch: 1 }, provider: unsigned, store: app.store });
    // A batch of one needs no count at all.
    expect((await throwing.sweepPlan(at(), 'timer', { ...quiet, warn: (line) => warnings.push(line) })).messages).toHaveLength(2);
    const batching = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 10 }, provider: unsigned, store: app.store });
    expect((await batching.sweepPlan(at(), 'timer', { ...quiet, warn: (line) => warnings.push(line) })).messages).toHaveLength(1);
    expect(warnings.slice(1)).toEqual(["sweep: could not count the subscriptions' resources (not signed in to Azure); batching 50 subscriptions to a message whatever their size"]);
  });

  it('a subscription the identity can no longer read resolves nothing: Resource Graph answers it with no rows and no error', async () => {
    const first = await startArmServer({ rows: sampleRows() });
    server = first;
    const store = await azurite.freshStore();
    const before = new AuditorApp({ settings: { scopeSubscriptions: [PROD, DEV], coalesceMs: 10 }, provider: provider(first), store });
    await before.sweepSubscriptions([PROD, DEV], 'timer', quiet);
    const open = (await store.listFindings({ subscriptionId: DEV, state: 'open' })).items.length;
    expect(open).toBeGreaterThan(0);
    await first.stop();

    // Reader on DEV is revoked: its rows, its subscription row and its grants are no longer answered.
    const revoked = await startArmServer({ rows: sampleRows().filter((row) => !row.id.toLowerCase().startsWith(`/subscriptions/${DEV}`)) });
    server = revoked;
    const after = new AuditorApp({ settings: { scopeSubscriptions: [PROD, DEV], coalesceMs: 10 }, provider: provider(revoked), store });
    const [prod, dev] = await after.sweepSubscriptions([PROD, DEV], 'timer', quiet);
    expect(prod?.complete).toBe(true);
    expect(dev?.complete).toBe(false);
    expect(dev?.gaps[0]?.reason).toMatch(/not even the subscription itself: the identity cannot read it/);
    expect(dev?.changes.filter((change) => change.kind === 'resolved')).toEqual([]);
    expect((await store.listFindings({ subscriptionId: DEV, state: 'open' })).items).toHaveLength(open);
  });

  it('a subscription the batch cannot read is a gap of its own: the others are judged whole, its findings stay as they were', async () => {
    const arm = await startArmServer({ rows: sampleRows(), faults: [{ when: (request) => request.kind === 'graph' && (request.subscriptions ?? []).includes(DEV), status: 500 }] });
    server = arm;
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 10 }, provider: provider(arm), store: await azurite.freshStore() });
    const devResource = `/subscriptions/${DEV}/resourceGroups/rg-ml-dev/providers/Microsoft.Storage/storageAccounts/st-held`;
    await app.store.recordEvaluations({
      scope: { subscriptionIds: [DEV] },
      evaluations: [{ ruleId: 'storage.default-deny', resourceId: devResource, status: 'fail', severity: 'high', title: 't', message: 'm', evidence: {}, workspaceIds: [] }],
      evaluatedAt: new Date(Date.now() - 60_000),
      complete: true,
    });
    const [prod, dev] = await app.sweepSubscriptions([PROD, DEV], 'timer', quiet);
    expect(prod?.complete).toBe(true);
    expect(prod?.gaps).toEqual([]);
    expect(dev?.complete).toBe(false);
    expect(dev?.gaps.map((gap) => gap.scope)).toEqual([`/subscriptions/${DEV}`]);
    expect((await app.store.getFinding('storage.default-deny', devResource))?.state).toBe('open');
    expect((await app.store.listSweeps(DEV))[0]?.complete).toBe(false);
  });
});
