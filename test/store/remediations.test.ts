import { describe, expect, it } from 'vitest';
import type { RemediationInput } from '../../src/store';
import { useAzurite } from '../support/azurite';

const azurite = useAzurite();

const SUB = '6f1c2b9e-3a4d-4c5e-9f70-1a2b3c4d5e6f';
const OTHER = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stmlws`;

function input(overrides: Partial<RemediationInput> = {}): RemediationInput {
  return {
    ruleId: 'storage.trusted-services',
    resourceId: STORAGE,
    at: new Date('2026-12-01T10:00:00Z'),
    mode: 'apply',
    outcome: 'applied',
    identity: 'app identity 1234',
    detail: 'written and read back as planned',
    verified: true,
    plan: { ruleId: 'storage.trusted-services', operations: [{ method: 'PATCH' }] },
    operations: [{ id: STORAGE, outcome: 'applied', before: { 'properties.networkAcls': { bypass: 'None' } }, after: { 'properties.networkAcls': { bypass: 'AzureServices' } } }],
    ...overrides,
  };
}

describe('remediation records (Azurite)', () => {
  it('round-trips a record, before and after included', async () => {
    const store = await azurite.freshStore();
    const written = await store.recordRemediation(input());
    const [read] = await store.listRemediations({ resourceId: STORAGE.toUpperCase() });
    expect(read).toEqual(written);
    expect(read).toMatchObject({ subscriptionId: SUB, mode: 'apply', outcome: 'applied', verified: true, at: '2026-12-01T10:00:00.000Z' });
    expect((read?.operations as { before: unknown }[])[0]?.before).toEqual({ 'properties.networkAcls': { bypass: 'None' } });
  });

  it('lists newest first, by rule, by time window, across subscriptions', async () => {
    const store = await azurite.freshStore();
    await store.recordRemediation(input({ at: new Date('2026-12-01T08:00:00Z'), outcome: 'skipped' }));
    await store.recordRemediation(input({ at: new Date('2026-12-01T09:00:00Z'), ruleId: 'storage.compute-subnet-allowed' }));
    await store.recordRemediation(input({ at: new Date('2026-12-01T10:00:00Z') }));
    await store.recordRemediation(input({ at: new Date('2026-12-01T11:00:00Z'), resourceId: STORAGE.replace(SUB, OTHER), mode: 'plan', outcome: 'planned' }));
    expect((await store.listRemediations({ subscriptionId: SUB })).map((record) => record.at)).toEqual(['2026-12-01T10:00:00.000Z', '2026-12-01T09:00:00.000Z', '2026-12-01T08:00:00.000Z']);
    expect((await store.listRemediations({ ruleId: 'storage.compute-subnet-allowed' })).map((record) => record.at)).toEqual(['2026-12-01T09:00:00.000Z']);
    expect(await store.listRemediations({ subscriptionId: SUB, since: new Date('2026-12-01T09:00:00Z') })).toHaveLength(2);
    expect((await store.listRemediations({})).map((record) => record.subscriptionId)).toEqual([OTHER, SUB, SUB, SUB]);
    expect(await store.listRemediations({ mode: 'plan' })).toHaveLength(1);
    expect(await store.listRemediations({ subscriptionId: SUB, top: 1 })).toHaveLength(1);
  });

  it('keeps a plan larger than one property (an NSG rollback with hundreds of rules), and refuses an ID that is not one', async () => {
    const store = await azurite.freshStore();
    const rules = Array.from({ length: 900 }, (_, index) => ({ name: `rule-${index}-ünïcødé`, properties: { priority: 100 + index, access: 'Allow', description: 'x'.repeat(60) } }));
    await store.recordRemediation(input({ plan: { rollback: [{ body: { properties: { securityRules: rules } } }] } }));
    const [read] = await store.listRemediations({ subscriptionId: SUB });
    expect(JSON.stringify(read?.plan).length).toBeGreaterThan(60_000);
    expect(read?.plan).toEqual({ rollback: [{ body: { properties: { securityRules: rules } } }] });
    await expect(store.recordRemediation(input({ resourceId: 'not-an-id' }))).rejects.toThrow(/not an Azure resource ID/);
  });
});
