import { describe, expect, it } from 'vitest';
import { computeSubnetCapacityRule } from '../../../src/rules/compute/subnet-capacity';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, estateOf, workspace } from '../../support/arm';
import { replaceSubnet, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = computeSubnetCapacityRule;
const ws = (): ResourceRow => compliantRows()[0] as ResourceRow;

/** The compliant estate with the training subnet and the cluster changed. */
function trainingEstate(subnet: Parameters<typeof replaceSubnet>[1], cluster: { maxNodeCount?: number; currentNodeCount?: number } = {}): ResourceRow[] {
  const rows = withVnet({ subnets: replaceSubnet('training', subnet) });
  return withRow(rows, amlCluster(ws(), { name: 'cpu-cluster', subnetId: ids.trainingSubnet, maxNodeCount: 4, currentNodeCount: 1, ...cluster }));
}

/** Removes a property of the cluster row's inner properties (currentNodeCount, scaleSettings…). */
function withoutClusterField(rows: ResourceRow[], field: string): ResourceRow[] {
  return rows.map((row) => {
    if (row.id !== ids.cluster) return row;
    const properties = row.properties as { properties: Record<string, unknown> };
    const inner = { ...properties.properties };
    delete inner[field];
    return { ...row, properties: { ...properties, properties: inner } };
  });
}

describe('compute.subnet-capacity', () => {
  it('passes when free addresses cover the headroom of the clusters', () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ usable: 251, allocated: 3, free: 248, headroom: 3, instances: [ids.instance] });
    expect(evaluation.evidence.clusters).toEqual([{ computeId: ids.cluster, maxNodeCount: 4, currentNodeCount: 1, headroom: 3 }]);
  });

  it('fails when the clusters may add more nodes than there are free addresses', () => {
    const evaluation = verdictFor(rule, estateOf(trainingEstate({ addressPrefix: '10.0.1.0/28', ipConfigurationCount: 3 }, { maxNodeCount: 20, currentNodeCount: 1 })), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence).toMatchObject({ usable: 11, allocated: 3, free: 8, headroom: 19 });
  });

  it('sums the headroom of every cluster in the subnet, across workspaces', () => {
    const other = workspace({ name: 'ws-other' });
    const rows = [
      ...trainingEstate({ addressPrefix: '10.0.1.0/28', ipConfigurationCount: 3 }, { maxNodeCount: 5, currentNodeCount: 0 }),
      other,
      amlCluster(other, { name: 'gpu', subnetId: ids.trainingSubnet.toUpperCase(), maxNodeCount: 4, currentNodeCount: 0 }),
    ];
    const evaluations = evaluateRule(rule, estateOf(rows));
    expect(evaluations).toHaveLength(1);
    const [evaluation] = evaluations;
    expect(evaluation?.status).toBe('fail');
    expect(evaluation?.evidence).toMatchObject({ free: 8, headroom: 9 });
    expect(evaluation?.workspaceIds).toEqual([ids.workspace, other.id]);
  });

  it('passes at the boundary: free equals headroom', () => {
    const evaluation = verdictFor(rule, estateOf(trainingEstate({ addressPrefix: '10.0.1.0/28', ipConfigurationCount: 3 }, { maxNodeCount: 9, currentNodeCount: 1 })), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ free: 8, headroom: 8 });
  });

  it('counts every IPv4 prefix and ignores IPv6 ones', () => {
    const evaluation = verdictFor(rule, estateOf(trainingEstate({ addressPrefix: undefined, addressPrefixes: ['10.0.1.0/28', '10.0.1.16/28', 'fd00:db8:1::/64'] })), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ usable: 22 });
  });

  it('counts no allocated address when ARM left ipConfigurations out, and says so', () => {
    const rows = trainingEstate({ addressPrefix: '10.0.1.0/29' }, { maxNodeCount: 3, currentNodeCount: 0 }).map((row) => {
      if (row.id !== ids.vnet) return row;
      const properties = row.properties as { subnets: { properties: Record<string, unknown> }[] };
      const subnets = properties.subnets.map((subnet) => {
        const inner = { ...subnet.properties };
        delete inner.ipConfigurations;
        return { ...subnet, properties: inner };
      });
      return { ...row, properties: { ...properties, subnets } };
    });
    const evaluation = verdictFor(rule, estateOf(rows), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ usable: 3, allocated: 0, free: 3, headroom: 3 });
    expect(String(evaluation.evidence.allocatedSource)).toContain('absent');
  });

  it('is unknown when the subnet is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet)), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.trainingSubnet });
  });

  it.each([
    ['a malformed prefix', ['10.0.1.0/33'], ['10.0.1.0/33']],
    ['a malformed prefix beside a good one', ['10.0.1.0/24', '10.0.300.0/24'], ['10.0.300.0/24']],
    ['only IPv6 prefixes', ['fd00:db8:1::/64'], []],
    ['a hostile string', ['<script>'.repeat(2000)], ['<script>'.repeat(2000)]],
  ])('is unknown with %s', (_, addressPrefixes, unreadablePrefixes) => {
    const evaluation = verdictFor(rule, estateOf(trainingEstate({ addressPrefix: undefined, addressPrefixes })), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ unreadablePrefixes });
  });

  it.each(['currentNodeCount', 'scaleSettings'])('is unknown when a cluster lacks %s', (field) => {
    const evaluation = verdictFor(rule, estateOf(withoutClusterField(compliantRows(), field)), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ clustersWithoutCounts: [ids.cluster] });
  });

  it('fails even with a cluster of unknown counts when the known headroom is already short', () => {
    const other = workspace({ name: 'ws-other' });
    const rows = [
      ...withoutClusterField(trainingEstate({ addressPrefix: '10.0.1.0/28', ipConfigurationCount: 3 }), 'currentNodeCount'),
      other,
      amlCluster(other, { name: 'gpu', subnetId: ids.trainingSubnet, maxNodeCount: 12, currentNodeCount: 0 }),
    ];
    const evaluation = verdictFor(rule, estateOf(rows), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ free: 8, headroom: 12 });
  });

  it('judges only subnets of clusters and instances', () => {
    expect(evaluateRule(rule, estateOf(compliantRows())).map((evaluation) => evaluation.resourceId)).toEqual([ids.trainingSubnet]);
  });
});
