import { readFileSync } from 'node:fs';
import { bundledSamplePath } from '../src/local/start';
import { SnapshotInventoryProvider } from '../src/app/inventory';
import { InventoryArmPort } from '../src/app/inventory-arm';
import type { RemediationStep } from '../src/app/remediation';
import type { AppLog } from '../src/app/service';
import { AuditorApp } from '../src/app/service';
import { DEFAULT_COALESCE_MS } from '../src/app/settings';
import { parseSnapshot } from '../src/inventory/snapshot';
import type { ResourceRow } from '../src/inventory/types';
import { buildEstate } from '../src/estate';
import { findingKey, planRemediations } from '../src/remediation';
import { openFindingsStore } from '../src/store';
import { startAzuriteProcess } from './events';
import { generateEstate } from './generate';
import { scaled } from './scale';

/**
 * `npm run bench`, section "remediation": what planning costs (every failing finding planned and
 * proven, on the sample and on a generated 10k estate), and event received → fixed → verified in
 * the app's apply mode, locally: the sample estate in memory (npm start's writer), the store on
 * Azurite in its own process, each event taking AzureServices off a storage account's bypass, the
 * app planning again, writing, judging the written account again, and the finding resolving.
 */
const EVENTS = scaled(40, 4);
const SAMPLE = bundledSamplePath();
const STORAGE = '/subscriptions/9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c/resourceGroups/rg-ml-dev/providers/Microsoft.Storage/storageAccounts/stmldev01';

export async function benchRemediation(): Promise<string[]> {
  const lines: string[] = [];
  const sample = parseSnapshot(readFileSync(SAMPLE, 'utf8'), 'sample');
  let started = Date.now();
  const samplePlans = planRemediations(sample).plans;
  const sampleMs = Date.now() - started;
  const generatedSize = scaled(10_000, 1_000);
  const generated = generateEstate({ resources: generatedSize, seed: 20261201 });
  started = Date.now();
  const generatedPlans = planRemediations({ resources: generated.resources, serviceTags: generated.serviceTags, warnings: [], gaps: [] }).plans;
  const generatedMs = Date.now() - started;
  const auto = (plans: typeof samplePlans): number => plans.filter((plan) => plan.mode === 'auto').length;
  // What the app does as one finding opens: the estate is its subscription state, already built.
  const generatedInventory = { resources: generated.resources, serviceTags: generated.serviceTags, warnings: [], gaps: [] };
  const estate = buildEstate(generatedInventory);
  const target = generatedPlans.find((plan) => plan.mode === 'auto');
  started = Date.now();
  const single = target !== undefined ? planRemediations(generatedInventory, { only: new Set([findingKey(target)]), estate }).plans : [];
  const singleMs = Date.now() - started;
  lines.push(
    `remediation: planning (every failing finding planned; each proven by rebuilding the estate with its writes and re-judging the subjects they can affect)`,
    `  sample estate: ${samplePlans.length} plans (${auto(samplePlans)} automatic) in ${sampleMs} ms`,
    `  generated ${generatedSize.toLocaleString('en-US')}-resource estate: ${generatedPlans.length} plans (${auto(generatedPlans)} automatic) in ${generatedMs} ms (${generatedPlans.length > 0 ? Math.round(generatedMs / generatedPlans.length) : 0} ms a plan)`,
    `  one finding that just opened in that estate (${target?.ruleId ?? 'none'}), its estate already built as the app holds it: ${single.length} plan in ${singleMs} ms`,
  );

  const table = await startAzuriteProcess();
  try {
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: 'benchremediation' });
    const provider = new SnapshotInventoryProvider(sample);
    const steps: RemediationStep[] = [];
    const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const app = new AuditorApp({
      settings: { scopeSubscriptions: [], coalesceMs: DEFAULT_COALESCE_MS },
      provider,
      store,
      remediation: { settings: { mode: 'apply', rules: new Set(['storage.trusted-services']), maxPerRun: 5, maxPerHour: 10_000, identity: 'bench' }, arm: new InventoryArmPort(provider) },
      onRemediation: (list) => steps.push(...list),
    });
    for (const subscription of await provider.listSubscriptions()) await app.sweepSubscription(subscription, 'startup', quiet);
    const latencies: number[] = [];
    let verified = 0;
    for (let index = 0; index < EVENTS; index++) {
      const row = structuredClone(provider.row(STORAGE)) as ResourceRow & { properties: { networkAcls: { bypass: string } } };
      row.properties.networkAcls.bypass = 'None';
      const received = Date.now();
      const time = new Date(received).toISOString();
      await app.handleEvent(
        { id: `bench-remediation-${index}`, topic: '/subscriptions/x/providers/Microsoft.ResourceNotifications/systemTopics/arn', subject: STORAGE, eventType: 'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated', eventTime: time, dataVersion: '1', metadataVersion: '1', data: { resourceInfo: { id: row.id, name: row.name, type: row.type, location: row.location, tags: row.tags ?? {}, properties: row.properties }, operationalInfo: { resourceEventTime: time } } },
        quiet,
      );
      latencies.push(Date.now() - received);
      const last = steps[steps.length - 1];
      if (last?.outcome === 'applied' && last.verified === true) verified++;
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0;
    lines.push(
      `  event → fixed → verified (apply mode, sample estate in memory, store on Azurite, coalescing ${DEFAULT_COALESCE_MS} ms): ${EVENTS} events, ${verified} fixed and verified; p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${latencies[latencies.length - 1] ?? 0} ms`,
      `bench: remediation_events=${EVENTS} verified=${verified} event_fixed_verified_p50_ms=${at(0.5)} p95_ms=${at(0.95)} plan_sample_ms=${sampleMs} plan_10k_ms=${generatedMs} plan_one_in_10k_ms=${singleMs}`,
    );
  } finally {
    await table.stop();
  }
  return lines;
}
