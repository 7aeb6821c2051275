import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/app/events';
import type { ResourceChange } from '../../src/app/events';
import { SnapshotInventoryProvider } from '../../src/app/inventory';
import { TransientError } from '../../src/app/ports';
import { AuditorApp } from '../../src/app/service';
import type { AppLog } from '../../src/app/service';
import { startAzuriteTable } from '../../src/azurite';
import { loadSnapshotFile } from '../../src/inventory/snapshot';
import { openFindingsStore } from '../../src/store';
import type { FindingsStore } from '../../src/store';
import { FAST_RETRY, uniqueTablePrefix, useAzurite } from '../support/azurite';
import { at, notificationEvent, PROD, SAMPLE_PATH, STORAGE_ID, storageRow } from './fixtures/events';

const azurite = useAzurite();
const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function newApp(store?: FindingsStore, coalesceMs = 50): Promise<AuditorApp> {
  const provider = new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH));
  return new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs }, provider, store: store ?? (await azurite.freshStore()) });
}

function change(event: unknown): ResourceChange {
  const parsed = parseEvent(event);
  if (parsed.outcome !== 'change') throw new Error(`fixture is not a change: ${JSON.stringify(parsed)}`);
  return parsed.change;
}

async function defaultDenyState(store: FindingsStore): Promise<string | undefined> {
  return (await store.getFinding('storage.default-deny', STORAGE_ID))?.state;
}

describe('ChangeProcessor', () => {
  it('judges events arriving within the window as one batch, and only the neighbourhood', async () => {
    const app = await newApp(undefined, 100);
    const sweep = await app.sweepSubscription(PROD, 'startup', quiet);
    const events = [notificationEvent(storageRow('Allow'), at(1)), notificationEvent(storageRow('Allow'), at(2)), notificationEvent(storageRow('Allow'), at(3))];
    const outcomes = await Promise.all(events.map((event) => app.handleEvent(event, quiet)));
    const batches = new Set(outcomes.map((outcome) => (outcome.outcome === 'judged' ? outcome.batch : undefined)));
    expect(batches.size).toBe(1);
    const [batch] = [...batches];
    expect(batch?.events).toBe(3);
    expect(batch?.applied).toBe(1);
    // The neighbourhood of one storage account, not the subscription's every subject.
    expect(batch!.evaluations).toBeLessThan(sweep.summary.evaluations);
    expect(batch!.changes.every((item) => !item.finding.workspaceIds.some((id) => id.includes("ws-research")))).toBe(true);
    expect(batch!.changes.map((item) => `${item.kind} ${item.finding.ruleId}`)).toContain('opened storage.default-deny');
    expect(await defaultDenyState(app.store)).toBe('open');
  });

  it('never lets an older event overwrite a newer state', async () => {
    const app = await newApp();
    await app.sweepSubscription(PROD, 'startup', quiet);
    const newer = at(2_000);
    const older = at(1_000);
    await app.processor.submit([change(notificationEvent(storageRow('Allow'), newer))]);
    const [late] = await app.processor.submit([change(notificationEvent(storageRow('Deny'), older))]);
    expect(late?.outdated).toBe(1);
    expect(late?.applied).toBe(0);
    expect(await defaultDenyState(app.store)).toBe('open');
  });

  it('keeps what ARN payloads lack (sku, kind, identity) from the row it replaces', async () => {
    const app = await newApp();
    await app.processor.submit([change(notificationEvent(storageRow('Allow'), at(10)))]);
    const row = app.states.peek(PROD)?.rows.get(STORAGE_ID.toLowerCase());
    expect(row?.sku).toEqual({ name: 'Standard_LRS', tier: 'Standard' });
    expect(row?.kind).toBe('StorageV2');
  });

  it('throws a TransientError when the store is down, and leaves the state as it was so the retry re-judges the change', async () => {
    const table = await startAzuriteTable({ inMemory: true });
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: uniqueTablePrefix(), retryOptions: FAST_RETRY });
    const app = await newApp(store);
    await app.sweepSubscription(PROD, 'startup', quiet);
    await table.stop();
    const event = notificationEvent(storageRow('Allow'), at(5));
    await expect(app.handleEvent(event, quiet)).rejects.toBeInstanceOf(TransientError);
    const row = app.states.peek(PROD)?.rows.get(STORAGE_ID.toLowerCase()) as { properties: { networkAcls: { defaultAction: string } } } | undefined;
    expect(row?.properties.networkAcls.defaultAction).toBe('Deny');
  });
});
