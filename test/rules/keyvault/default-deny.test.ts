import { describe, expect, it } from 'vitest';
import { keyvaultDefaultDenyRule } from '../../../src/rules/keyvault/default-deny';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, estateOf, keyVault, resourceId, workspace } from '../../support/arm';
import { withKeyVault, withProperty } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = keyvaultDefaultDenyRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.keyVault);

describe('keyvault.default-deny', () => {
  it('passes when the vault denies by default', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toEqual({ defaultAction: 'Deny', publicNetworkAccess: null });
  });

  it('passes when public network access is disabled even with an Allow default action', () => {
    expect(judge(withKeyVault({ defaultAction: 'Allow', publicNetworkAccess: 'Disabled' })).status).toBe('pass');
  });

  it('passes on a lowercased default action', () => {
    const vault = withProperty(keyVault({ name: 'kv-ml-ws' }), 'networkAcls', { defaultAction: 'deny', bypass: 'AzureServices' });
    expect(judge(withRow(compliantRows(), vault)).status).toBe('pass');
  });

  it.each([
    ['default action Allow', { defaultAction: 'Allow' as const }, 'Allow'],
    ['no networkAcls (Azure default Allow)', { defaultAction: undefined }, null],
  ])('fails with %s', (_, changes, defaultAction) => {
    const evaluation = judge(withKeyVault(changes));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence).toMatchObject({ defaultAction });
  });

  it('matches the workspace reference case-insensitively', () => {
    const vault = { ...keyVault({ name: 'kv-ml-ws', defaultAction: 'Allow' }), id: ids.keyVault.toUpperCase() };
    const evaluations = evaluateRule(rule, estateOf([...withoutRow(compliantRows(), ids.keyVault), vault]));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ status: 'fail', resourceId: ids.keyVault.toUpperCase() });
  });

  it('is unknown when the firewall section is malformed', () => {
    const evaluation = judge(withRow(compliantRows(), withProperty(keyVault({ name: 'kv-ml-ws' }), 'networkAcls', { defaultAction: 42 })));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });

  it('is unknown when the vault is missing from the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.keyVault));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.keyVault });
  });

  it('does not judge the vault of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', keyVaultId: resourceId('Microsoft.KeyVault', 'vaults', 'kv-public') });
    const rows = [ws, keyVault({ name: 'kv-public', defaultAction: 'Allow' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
