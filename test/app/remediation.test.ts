import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ResourceGraphInventoryProvider, SnapshotInventoryProvider } from '../../src/app/inventory';
import { InventoryArmPort } from '../../src/app/inventory-arm';
import type { RemediationSettings, RemediationStep } from '../../src/app/remediation';
import type { AppLog } from '../../src/app/service';
import { AuditorApp } from '../../src/app/service';
import { parseSnapshot } from '../../src/inventory/snapshot';
import type { ResourceRow } from '../../src/inventory/types';
import { armResourceClient, staticTokenCredential } from '../../src/live';
import type { ArmServer, Fault } from '../support/arm-server';
import { startArmServer } from '../support/arm-server';
import { useAzurite } from '../support/azurite';
import { armWriteEvent, at, DEV, DEV_STORAGE_ID, notificationEvent, SAMPLE_PATH, sampleRow } from './fixtures/events';

/**
 * AML_AUDITOR_REMEDIATION in the app: plans stored as findings open; in apply mode, an allowed
 * automatic plan written through the real ARM client (against the local ARM server), judged again
 * through the event path, and recorded with before and after.
 */
const azurite = useAzurite();
const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const SAMPLE = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: ResourceRow[]; serviceTags: unknown[] };
let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function settingsOf(overrides: Partial<RemediationSettings> = {}): RemediationSettings {
  return { mode: 'apply', rules: new Set(['storage.trusted-services']), maxPerRun: 5, maxPerHour: 20, identity: 'test identity', ...overrides };
}

async function azureApp(
  remediation: RemediationSettings,
  rows: ResourceRow[] = structuredClone(SAMPLE.resources),
  options: { readonly faults?: readonly Fault[]; readonly writer?: boolean } = {},
): Promise<{ app: AuditorApp; arm: ArmServer; steps: RemediationStep[] }> {
  const arm = await startArmServer({ rows: rows, serviceTags: SAMPLE.serviceTags, ...(options.faults !== undefined ? { faults: options.faults } : {}) });
  server = arm;
  const live = { credential: staticTokenCredential('test-token'), armEndpoint: arm.endpoint, tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1, sleep: async () => undefined } };
  const provider = new ResourceGraphInventoryProvider(live, async () => [DEV]);
  const steps: RemediationStep[] = [];
  const app = new AuditorApp({
    settings: { scopeSubscriptions: [DEV], coalesceMs: 5 },
    provider,
    store: await azurite.freshStore(),
    remediation: { settings: remediation, ...(options.writer !== false ? { arm: armResourceClient(live, 1) } : {}) },
    onRemediation: (list) => steps.push(...list),
  });
  return { app, arm, steps };
}

describe('remediation in the Functions app', () => {
  it('apply mode: a sweep opens the finding, the allowed plan is written, judged again, resolved, and recorded with before and after', async () => {
    const { app, arm, steps } = await azureApp(settingsOf());
    await app.sweepSubscription(DEV, 'timer', quiet);
    expect(steps.find((step) => step.ruleId === 'storage.trusted-services')).toMatchObject({ outcome: 'applied', verified: true });
    expect((await app.store.getFinding('storage.trusted-services', DEV_STORAGE_ID))?.state).toBe('resolved');
    const bypass = (arm.store.get(DEV_STORAGE_ID)?.properties as { networkAcls: { bypass: string } }).networkAcls.bypass;
    expect(bypass).toBe('Logging, Metrics, AzureServices');

    const [record] = await app.store.listRemediations({ ruleId: 'storage.trusted-services', mode: 'apply' });
    expect(record).toMatchObject({ outcome: 'applied', verified: true, identity: 'test identity', resourceId: DEV_STORAGE_ID });
    const operation = (record?.operations as { before: Record<string, { bypass: string }>; after: Record<string, { bypass: string }> }[])[0];
    expect(operation?.before['properties.networkAcls']?.bypass).toBe('Logging, Metrics');
    expect(operation?.after['properties.networkAcls']?.bypass).toBe('Logging, Metrics, AzureServices');
    expect((record?.plan as { rollback: unknown[] }).rollback).toHaveLength(1);

    // Findings of rules not on the allowlist get a stored plan, nothing written for them.
    const others = await app.store.listRemediations({ subscriptionId: DEV, mode: 'plan' });
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((item) => item.ruleId !== 'storage.trusted-services')).toBe(true);
    expect(others.filter((item) => item.outcome === 'planned').every((item) => /not in AML_AUDITOR_REMEDIATION_RULES/.test(item.detail))).toBe(true);
    expect(arm.requestsOf('write').map((request) => request.path.toLowerCase())).toEqual([DEV_STORAGE_ID.toLowerCase()]);
  });

  it('plan mode: plans stored for every finding that opened, nothing written', async () => {
    const { app, arm } = await azureApp(settingsOf({ mode: 'plan' }));
    const sweep = await app.sweepSubscription(DEV, 'timer', quiet);
    const opened = sweep.changes.filter((change) => change.kind === 'opened' && change.finding.status === 'fail');
    const plans = await app.store.listRemediations({ subscriptionId: DEV, top: 1000 });
    expect(plans).toHaveLength(opened.length);
    expect(plans.every((record) => record.mode === 'plan')).toBe(true);
    expect(plans.find((record) => record.ruleId === 'storage.trusted-services')).toMatchObject({ outcome: 'planned' });
    expect((plans.find((record) => record.ruleId === 'storage.trusted-services')?.plan as { az: string[] }).az[0]).toMatch(/^az storage account update --resource-group rg-ml-dev --name stmldev01/);
    expect(arm.requestsOf('write')).toEqual([]);
  });

  it('caps changes per run and per hour, and leaves a resource tagged to opt out alone', async () => {
    const rules = new Set(['storage.trusted-services', 'storage.compute-subnet-allowed', 'nsg.mcr-outbound']);
    const perRun = await azureApp(settingsOf({ rules, maxPerRun: 1 }));
    await perRun.app.sweepSubscription(DEV, 'timer', quiet);
    expect(perRun.steps.filter((step) => step.outcome === 'applied')).toHaveLength(1);
    expect(perRun.steps.filter((step) => step.outcome === 'capped').length).toBeGreaterThan(0);
    await server?.stop();

    const perHour = await azureApp(settingsOf({ rules, maxPerHour: 0 }));
    await perHour.app.sweepSubscription(DEV, 'timer', quiet);
    expect(perHour.steps.filter((step) => step.outcome === 'applied')).toHaveLength(0);
    expect(perHour.arm.requestsOf('write')).toEqual([]);
    await server?.stop();

    const tagged = structuredClone(SAMPLE.resources).map((row) => (row.id.toLowerCase() === DEV_STORAGE_ID.toLowerCase() ? { ...row, tags: { 'aml-auditor-remediation': 'off' } } : row));
    const optOut = await azureApp(settingsOf(), tagged);
    await optOut.app.sweepSubscription(DEV, 'timer', quiet);
    expect(optOut.steps.find((step) => step.ruleId === 'storage.trusted-services')).toMatchObject({ outcome: 'manual' });
    expect(optOut.arm.requestsOf('write')).toEqual([]);
  });

  it('apply mode writes nothing while part of the estate could not be read, and says so in the stored plan', async () => {
    // Reading role assignments keeps failing: the read has a gap, and a change is applied only when proven on the whole estate.
    const { app, arm, steps } = await azureApp(settingsOf(), undefined, { faults: [{ when: (request) => request.kind === 'graph' && request.table === 'authorizationresources', status: 500 }] });
    const sweep = await app.sweepSubscription(DEV, 'timer', quiet);
    expect(sweep.complete).toBe(false);
    expect(steps.find((step) => step.ruleId === 'storage.trusted-services')).toMatchObject({ outcome: 'planned' });
    const [record] = await app.store.listRemediations({ ruleId: 'storage.trusted-services' });
    expect(record).toMatchObject({ mode: 'plan', outcome: 'planned', detail: expect.stringMatching(/^not applied: part of the estate could not be read/) });
    expect(arm.requestsOf('write')).toEqual([]);
  });

  it('apply mode without an ARM writer stores the plan and writes nothing', async () => {
    const { app, arm, steps } = await azureApp(settingsOf(), undefined, { writer: false });
    await app.sweepSubscription(DEV, 'timer', quiet);
    expect(steps.find((step) => step.ruleId === 'storage.trusted-services')).toMatchObject({ outcome: 'planned' });
    const [record] = await app.store.listRemediations({ ruleId: 'storage.trusted-services' });
    expect(record?.detail).toBe('not applied: no ARM writer is configured');
    expect(arm.requestsOf('write')).toEqual([]);
  });

  it('event path: a change opens a finding, it is fixed and verified within the same delivery', async () => {
    const { app, arm, steps } = await azureApp(settingsOf({ rules: new Set(['storage.trusted-services']) }));
    // The sweep fixes what is there; then someone removes AzureServices again.
    await app.sweepSubscription(DEV, 'timer', quiet);
    arm.store.update(DEV_STORAGE_ID, (row) => {
      (row.properties as { networkAcls: { bypass: string } }).networkAcls.bypass = 'None';
    });
    const received = Date.now();
    const result = await app.handleEvent(armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', DEV_STORAGE_ID, at(1_000)), quiet);
    const latency = Date.now() - received;
    expect(result.outcome).toBe('judged');
    const last = steps[steps.length - 1];
    expect(last).toMatchObject({ ruleId: 'storage.trusted-services', outcome: 'applied', verified: true });
    expect((await app.store.getFinding('storage.trusted-services', DEV_STORAGE_ID))?.state).toBe('resolved');
    expect(latency).toBeGreaterThan(0);
  });

  it('npm start: apply mode writes the in-memory sample estate, and the event path resolves the finding', async () => {
    const provider = new SnapshotInventoryProvider(parseSnapshot(readFileSync(SAMPLE_PATH, 'utf8'), 'sample'));
    const steps: RemediationStep[] = [];
    const app = new AuditorApp({
      settings: { scopeSubscriptions: [], coalesceMs: 5 },
      provider,
      store: await azurite.freshStore(),
      remediation: { settings: settingsOf({ identity: 'npm start' }), arm: new InventoryArmPort(provider) },
      onRemediation: (list) => steps.push(...list),
    });
    await app.sweepSubscription(DEV, 'startup', quiet);
    expect(steps.find((step) => step.ruleId === 'storage.trusted-services')).toMatchObject({ outcome: 'applied', verified: true });
    const row = provider.row(DEV_STORAGE_ID);
    expect((row?.properties as { networkAcls: { bypass: string } }).networkAcls.bypass).toBe('Logging, Metrics, AzureServices');

    // A notification that takes AzureServices away again: fixed again.
    const reverted = sampleRow(DEV_STORAGE_ID);
    (reverted.properties as { networkAcls: { bypass: string } }).networkAcls.bypass = 'None';
    await app.handleEvent(notificationEvent(reverted, at(1_000)), quiet);
    expect(steps.filter((step) => step.ruleId === 'storage.trusted-services' && step.outcome === 'applied')).toHaveLength(2);
    expect((await app.store.getFinding('storage.trusted-services', DEV_STORAGE_ID))?.state).toBe('resolved');
  });
});
