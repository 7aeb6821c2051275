import { describe, expect, it } from 'vitest';
import { studioStorageFeaturesRule } from '../../../src/rules/studio/storage-features';
import type { ResourceRow } from '../../../src/inventory/types';
import { estateOf, resourceId, storageAccount, workspace } from '../../support/arm';
import { withProperty, withStorage } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = studioStorageFeaturesRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.workspace);

describe('studio.storage-features', () => {
  it('advises (fail, info) whenever the workspace storage is secured', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('info');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({
      storageAccountId: ids.storage,
      defaultAction: 'Deny',
      unsupportedFeatures: ['Automated ML', 'Datasets', 'Data labeling', 'Designer', 'Notebooks'],
    });
    expect(String(evaluation.evidence.designerError)).toContain('Unable to profile this dataset');
  });

  it('advises for storage secured by disabled public access', () => {
    const evaluation = judge(withStorage({ defaultAction: 'Allow', publicNetworkAccess: 'Disabled' }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ publicNetworkAccess: 'Disabled' });
  });

  it('applies to a workspace with no compute in a subnet, and to a reference in another case', () => {
    const ws = workspace({ name: 'ws-public', storageAccountId: resourceId('Microsoft.Storage', 'storageAccounts', 'stpublic').toUpperCase() });
    const evaluation = verdictFor(rule, estateOf([ws, storageAccount({ name: 'stpublic', defaultAction: 'Deny' })]), ws.id);
    expect(evaluation.status).toBe('fail');
  });

  it('is not applicable when the storage is not secured', () => {
    const evaluation = judge(withStorage({ defaultAction: 'Allow' }));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ resourceId: ids.storage, defaultAction: 'Allow' });
  });

  it('is unknown when the firewall section is malformed', () => {
    const evaluation = judge(withRow(compliantRows(), withProperty(storageAccount({ name: 'stmlws' }), 'networkAcls', 'Deny')));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });

  it('is unknown when the storage account is missing from the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.storage));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.storage });
  });

  it('does not judge a workspace that names no storage account', () => {
    expect(evaluateRule(rule, estateOf([workspace({ name: 'ws-bare' })]))).toEqual([]);
  });
});
