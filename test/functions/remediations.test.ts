import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { remediations } from '../../functions/remediations';
import { SnapshotInventoryProvider } from '../../src/app/inventory';
import { resetAuditorApp, useAuditorApp } from '../../src/app/runtime';
import { AuditorApp } from '../../src/app/service';
import { loadSnapshotFile } from '../../src/inventory/snapshot';
import { DEV, DEV_STORAGE_ID, SAMPLE_PATH } from '../app/fixtures/events';
import { useAzurite } from '../support/azurite';

/** GET /api/remediations as the host calls it: the remediations table, newest first, its query checked. */
const azurite = useAzurite();
afterEach(() => resetAuditorApp());

function get(query: Record<string, string>): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `http://localhost/api/remediations?${new URLSearchParams(query).toString()}`, query });
}

const context = (): InvocationContext => new InvocationContext({ functionName: 'remediations', logHandler: () => undefined });

describe('GET /api/remediations', () => {
  it('answers the plans made as findings opened, with the mode, filtered by rule and resource', async () => {
    const app = new AuditorApp({
      settings: { scopeSubscriptions: [], coalesceMs: 5 },
      provider: new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH)),
      store: await azurite.freshStore(),
      remediation: { settings: { mode: 'plan', rules: new Set(), maxPerRun: 5, maxPerHour: 20, identity: 'test' } },
    });
    useAuditorApp(app);
    await app.sweepSubscription(DEV, 'startup', { info: () => undefined, warn: () => undefined, error: () => undefined });
    const all = await remediations(get({ subscriptionId: DEV }), context());
    expect(all.status).toBe(200);
    const body = all.jsonBody as { mode: string; remediations: { ruleId: string; resourceId: string; mode: string; plan: { az: string[] } }[] };
    expect(body.mode).toBe('plan');
    expect(body.remediations.length).toBeGreaterThan(10);
    const one = await remediations(get({ ruleId: 'storage.trusted-services', resourceId: DEV_STORAGE_ID.toUpperCase() }), context());
    const records = (one.jsonBody as typeof body).remediations;
    expect(records).toHaveLength(1);
    expect(records[0]?.plan.az[0]).toMatch(/^az storage account update/);
  });

  it('answers 400 naming what is wrong with the query, and reads nothing', async () => {
    useAuditorApp(new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH)), store: await azurite.freshStore() }));
    for (const [query, message] of [
      [{ since: 'yesterday' }, /unknown query parameter 'since'/],
      [{ subscriptionId: '<img src=x>' }, /is not a subscription ID/],
      [{ resourceId: 'storage' }, /must be an Azure resource ID/],
      [{ mode: 'fix' }, /is not plan or apply/],
      [{ top: '0' }, /not a whole number from 1 to 1000/],
    ] as const) {
      const answer = await remediations(get(query), context());
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect((answer.jsonBody as { error: string }).error).toMatch(message);
    }
    const off = await remediations(get({}), context());
    expect(off.jsonBody).toEqual({ mode: 'off', remediations: [] });
  });
});
