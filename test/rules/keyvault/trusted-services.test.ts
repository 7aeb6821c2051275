import { describe, expect, it } from 'vitest';
import { keyvaultTrustedServicesRule } from '../../../src/rules/keyvault/trusted-services';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, estateOf, keyVault, resourceId, workspace } from '../../support/arm';
import { withKeyVault, withProperty } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = keyvaultTrustedServicesRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.keyVault);
const networkAcls = (fields: Record<string, unknown>) =>
  withRow(compliantRows(), withProperty(keyVault({ name: 'kv-ml-ws' }), 'networkAcls', { defaultAction: 'Deny', virtualNetworkRules: [], ipRules: [], ...fields }));

describe('keyvault.trusted-services', () => {
  it.each(['AzureServices', 'azureservices', ' AzureServices '])('passes with bypass %j', (bypass) => {
    const evaluation = judge(withKeyVault({ bypass }));
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ bypass, defaultAction: 'Deny' });
  });

  it('passes when the bypass is absent: Azure defaults it to AzureServices', () => {
    const evaluation = judge(networkAcls({}));
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ bypass: null, effectiveBypass: 'AzureServices' });
  });

  it.each(['None', 'AzureServices, None', 'Logging, AzureServices', 'AzureServices\u0000'])('fails with bypass %j', (bypass) => {
    const evaluation = judge(withKeyVault({ bypass }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ bypass });
  });

  it('fails on a vault secured by disabled public access whose bypass is None', () => {
    const evaluation = judge(withKeyVault({ defaultAction: 'Allow', publicNetworkAccess: 'Disabled', bypass: 'None' }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ publicNetworkAccess: 'Disabled', bypass: 'None' });
  });

  it('is unknown when the bypass is not a string', () => {
    const evaluation = judge(networkAcls({ bypass: ['AzureServices'] }));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ bypassMalformed: true });
  });

  it('is unknown when the firewall section is malformed', () => {
    const evaluation = judge(withRow(compliantRows(), withProperty(keyVault({ name: 'kv-ml-ws' }), 'networkAcls', true)));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });

  it('is unknown when the vault is missing from the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.keyVault));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.keyVault });
  });

  it('is not applicable when the vault is not secured', () => {
    const evaluation = judge(withKeyVault({ defaultAction: 'Allow', bypass: 'None' }));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ defaultAction: 'Allow' });
  });

  it('does not judge the vault of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', keyVaultId: resourceId('Microsoft.KeyVault', 'vaults', 'kv-public') });
    const rows = [ws, keyVault({ name: 'kv-public', defaultAction: 'Deny', bypass: 'None' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
