import { describe, expect, it } from 'vitest';
import { acrPremiumSkuRule } from '../../../src/rules/acr/premium-sku';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, containerRegistry, estateOf, resourceId, workspace } from '../../support/arm';
import { withProperty, withRegistry } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = acrPremiumSkuRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.registry);

describe('acr.premium-sku', () => {
  it('passes for a secured Premium registry', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ skuName: 'Premium', defaultAction: 'Deny' });
  });

  it('passes on a lowercased SKU name', () => {
    expect(judge(withRow(compliantRows(), { ...containerRegistry({ name: 'acrmlws', defaultAction: 'Deny' }), sku: { name: 'premium' } })).status).toBe('pass');
  });

  it.each(['Basic', 'Standard'] as const)('fails for a secured %s registry and reports the SKU', (sku) => {
    const evaluation = judge(withRegistry({ sku }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ skuName: sku, defaultAction: 'Deny' });
  });

  it('fails for a Standard registry secured by disabled public access', () => {
    const evaluation = judge(withRegistry({ sku: 'Standard', defaultAction: undefined, publicNetworkAccess: 'Disabled' }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ skuName: 'Standard', publicNetworkAccess: 'Disabled', defaultAction: null });
  });

  it('is unknown when the SKU is missing or not a string', () => {
    const noSku: ResourceRow = { ...containerRegistry({ name: 'acrmlws', defaultAction: 'Deny' }), sku: { name: 12 } };
    const evaluation = judge(withRow(compliantRows(), noSku));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ skuName: null });
  });

  it('is not applicable when the registry is not secured', () => {
    const evaluation = judge(withRegistry({ sku: 'Basic', defaultAction: undefined, privateEndpointIds: [] }));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ skuName: 'Basic', defaultAction: null });
  });

  it('is unknown when the network rule set is malformed', () => {
    const broken = withProperty(containerRegistry({ name: 'acrmlws', sku: 'Basic' }), 'networkRuleSet', 'Deny');
    const evaluation = judge(withRow(compliantRows(), broken));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });

  it('is unknown when the registry is missing from the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.registry));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.registry });
  });

  it('does not judge the registry of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', containerRegistryId: resourceId('Microsoft.ContainerRegistry', 'registries', 'acrpublic') });
    const rows = [ws, containerRegistry({ name: 'acrpublic', sku: 'Basic', defaultAction: 'Deny' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
