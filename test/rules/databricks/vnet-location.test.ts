import { describe, expect, it } from 'vitest';
import { databricksVnetLocationRule } from '../../../src/rules/databricks/vnet-location';
import { attachedCompute, estateOf, OTHER_SUBSCRIPTION } from '../../support/arm';
import { attachedIds, secondWorkspace, withDatabricks } from '../../support/compute-fixtures';
import { ids, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = databricksVnetLocationRule;

describe('databricks.vnet-location', () => {
  it("passes when the Databricks VNet is in the workspace's subscription and region", () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks()), attachedIds.databricks);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ vnetId: attachedIds.databricksVnet, vnetRegion: 'eastus', mismatches: [] });
  });

  it('fails when the VNet is in another region', () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks({ vnetLocation: 'westus' })), attachedIds.databricks);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ vnetRegion: 'westus', mismatches: [{ workspaceId: ids.workspace, differs: ['region'] }] });
  });

  it('fails when the VNet is in another subscription, even when its row is absent', () => {
    for (const withoutVnet of [false, true]) {
      const evaluation = verdictFor(rule, estateOf(withDatabricks({ vnetSubscription: OTHER_SUBSCRIPTION, withoutVnet })), attachedIds.databricks);
      expect(evaluation.status).toBe('fail');
      expect(evaluation.evidence).toMatchObject({ vnetSubscriptionId: OTHER_SUBSCRIPTION, mismatches: [{ workspaceId: ids.workspace, differs: ['subscription'] }] });
    }
  });

  it('fails for the one of several attaching workspaces that is elsewhere', () => {
    const other = secondWorkspace({ location: 'northeurope' });
    const rows = [...withDatabricks(), other, attachedCompute(other, { name: 'dbw', computeType: 'Databricks', resourceId: attachedIds.databricks.toUpperCase() })];
    const evaluations = evaluateRule(rule, estateOf(rows));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]?.status).toBe('fail');
    expect(evaluations[0]?.workspaceIds).toEqual([ids.workspace, other.id]);
    expect(evaluations[0]?.evidence.mismatches).toEqual([{ workspaceId: other.id, differs: ['region'] }]);
  });

  it('is unknown when the VNet is not in the inventory and the subscriptions match', () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks({ withoutVnet: true })), attachedIds.databricks);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ vnetRegion: null, mismatches: [] });
  });

  it('is unknown when the Databricks workspace is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(withDatabricks(), attachedIds.databricks)), attachedIds.databricks);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: attachedIds.databricks, computeIds: [attachedIds.databricksCompute] });
  });

  it('does not apply to a Databricks workspace without VNet injection', () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks({ noVnetInjection: true })), attachedIds.databricks);
    expect(evaluation.status).toBe('not-applicable');
  });
});
