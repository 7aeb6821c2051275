import { describe, expect, it } from 'vitest';
import { storageDefaultDenyRule } from '../../../src/rules/storage/default-deny';
import { amlCluster, estateOf, storageAccount, workspace } from '../../support/arm';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = storageDefaultDenyRule;

describe('storage.default-deny', () => {
  it('passes when the account denies by default', () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.storage);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
  });

  it('passes when public network access is disabled even with an Allow default action', () => {
    const rows = withRow(compliantRows(), storageAccount({ name: 'stmlws', defaultAction: 'Allow', publicNetworkAccess: 'Disabled' }));
    expect(verdictFor(rule, estateOf(rows), ids.storage).status).toBe('pass');
  });

  it.each([
    ['default action Allow', storageAccount({ name: 'stmlws', defaultAction: 'Allow' }), 'Allow'],
    ['no networkAcls (Azure default Allow)', storageAccount({ name: 'stmlws' }), null],
  ])('fails with %s', (_, account, defaultAction) => {
    const evaluation = verdictFor(rule, estateOf(withRow(compliantRows(), account)), ids.storage);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ defaultAction });
  });

  it('matches the workspace reference case-insensitively', () => {
    const rows = withRow(compliantRows(), { ...storageAccount({ name: 'stmlws', defaultAction: 'Allow' }), id: ids.storage.toUpperCase() });
    const evaluations = evaluateRule(rule, estateOf(withoutRow(rows, ids.storage).concat(rows.filter((row) => row.id === ids.storage.toUpperCase()))));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]?.status).toBe('fail');
  });

  it('is unknown when the firewall section is malformed', () => {
    const account = storageAccount({ name: 'stmlws', defaultAction: 'Deny' });
    const broken = { ...account, properties: { ...(account.properties as object), networkAcls: 'Deny' } };
    const evaluation = verdictFor(rule, estateOf(withRow(compliantRows(), broken)), ids.storage);
    expect(evaluation.status).toBe('unknown');
  });

  it('is unknown when the associated account is missing from the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.storage)), ids.storage);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.storage });
  });

  it('does not judge the storage of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', storageAccountId: ids.storage.replace('stmlws', 'stpublic') });
    const rows = [ws, storageAccount({ name: 'stpublic', defaultAction: 'Allow' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
