import { describe, expect, it } from 'vitest';
import { databricksDefaultSubnetRule } from '../../../src/rules/databricks/default-subnet';
import { databricksWorkspace, estateOf } from '../../support/arm';
import { attachedIds, databricksSubnets, withDatabricks } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = databricksDefaultSubnetRule;
const [, publicSubnet, privateSubnet] = databricksSubnets as [unknown, (typeof databricksSubnets)[number], (typeof databricksSubnets)[number]];

describe('databricks.default-subnet', () => {
  it("passes when the VNet has a 'default' subnet besides the Databricks ones", () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks()), attachedIds.databricks);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({
      subnetNames: ['default', 'databricks-public', 'databricks-private'],
      publicSubnetName: 'databricks-public',
      privateSubnetName: 'databricks-private',
      defaultSubnet: 'default',
    });
  });

  it("matches the name 'default' case-insensitively", () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks({ subnets: [{ name: 'Default', addressPrefix: '10.20.0.0/24' }, publicSubnet, privateSubnet] })), attachedIds.databricks);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ defaultSubnet: 'Default' });
  });

  it("fails when the VNet holds only the Databricks subnets", () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks({ subnets: [publicSubnet, privateSubnet] })), attachedIds.databricks);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('low');
    expect(evaluation.evidence).toMatchObject({ subnetNames: ['databricks-public', 'databricks-private'], defaultSubnet: null });
  });

  it("fails when the only 'default' subnet is the Databricks public subnet", () => {
    const subnets = [{ name: 'default', addressPrefix: '10.20.1.0/24' }, privateSubnet];
    const evaluation = verdictFor(rule, estateOf(withDatabricks({ subnets, publicSubnetName: 'default' })), attachedIds.databricks);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ publicSubnetName: 'default', defaultSubnet: null });
  });

  it('is unknown when the VNet is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withDatabricks({ withoutVnet: true })), attachedIds.databricks);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toEqual({ missingResourceId: attachedIds.databricksVnet });
  });

  it('is unknown when the Databricks workspace is not in the inventory', () => {
    expect(verdictFor(rule, estateOf(withoutRow(withDatabricks(), attachedIds.databricks)), attachedIds.databricks).status).toBe('unknown');
  });

  it('does not apply to a Databricks workspace without VNet injection', () => {
    expect(verdictFor(rule, estateOf(withDatabricks({ noVnetInjection: true })), attachedIds.databricks).status).toBe('not-applicable');
  });

  it('judges only Databricks workspaces attached to a workspace', () => {
    const rows = [...compliantRows(), databricksWorkspace({ name: 'dbw-alone', vnetId: attachedIds.databricksVnet })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
