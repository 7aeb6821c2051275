import { describe, expect, it } from 'vitest';
import { storageTrustedServicesRule } from '../../../src/rules/storage/trusted-services';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, estateOf, resourceId, storageAccount, workspace } from '../../support/arm';
import { withProperty, withStorage } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = storageTrustedServicesRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.storage);
const networkAcls = (fields: Record<string, unknown>) =>
  withRow(compliantRows(), withProperty(storageAccount({ name: 'stmlws' }), 'networkAcls', { defaultAction: 'Deny', virtualNetworkRules: [], ipRules: [], ...fields }));

describe('storage.trusted-services', () => {
  it.each([
    ['AzureServices', ['AzureServices']],
    ['Logging, Metrics, AzureServices', ['Logging', 'Metrics', 'AzureServices']],
    ['metrics,azureservices', ['metrics', 'azureservices']],
  ])('passes with bypass %j', (bypass, entries) => {
    const evaluation = judge(withStorage({ bypass }));
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ bypass, bypassEntries: entries, defaultAction: 'Deny' });
  });

  it('passes when the bypass is absent: Azure defaults it to AzureServices', () => {
    const evaluation = judge(networkAcls({}));
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ bypass: null, effectiveBypass: 'AzureServices' });
  });

  it.each([
    ['None', ['None']],
    ['Logging, Metrics', ['Logging', 'Metrics']],
    ['AzureServicesX', ['AzureServicesX']],
    ['Logging;AzureServices', ['Logging;AzureServices']],
  ])('fails with bypass %j', (bypass, entries) => {
    const evaluation = judge(withStorage({ bypass }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ bypass, bypassEntries: entries });
  });

  it('fails on a secured account with public access disabled whose bypass is None', () => {
    const evaluation = judge(withStorage({ defaultAction: 'Allow', publicNetworkAccess: 'Disabled', bypass: 'None' }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ publicNetworkAccess: 'Disabled', bypass: 'None' });
  });

  it('is unknown when the bypass is not a string', () => {
    const evaluation = judge(networkAcls({ bypass: 7 }));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ bypassMalformed: true });
  });

  it('is unknown when the firewall section is malformed', () => {
    const evaluation = judge(withRow(compliantRows(), withProperty(storageAccount({ name: 'stmlws' }), 'networkAcls', 'Deny')));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });

  it('is unknown when the account is missing from the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.storage));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.storage });
  });

  it('is not applicable when the account is not secured', () => {
    const evaluation = judge(withStorage({ defaultAction: 'Allow', bypass: 'None' }));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ defaultAction: 'Allow' });
  });

  it('does not judge the storage of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', storageAccountId: resourceId('Microsoft.Storage', 'storageAccounts', 'stpublic') });
    const rows = [ws, storageAccount({ name: 'stpublic', defaultAction: 'Deny', bypass: 'None' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
