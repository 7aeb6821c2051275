import { describe, expect, it } from 'vitest';
import { aksPrivateClusterRule } from '../../../src/rules/aks/private-cluster';
import type { ResourceRow } from '../../../src/inventory/types';
import { aksCluster, aksCompute, estateOf } from '../../support/arm';
import { compliantAksSpec, withAks, withAksCompute } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = aksPrivateClusterRule;

function withPrivateFlag(value: unknown): ResourceRow[] {
  const row = aksCluster(compliantAksSpec);
  const properties = row.properties as Record<string, unknown>;
  return withRow(compliantRows(), { ...row, properties: { ...properties, apiServerAccessProfile: { enablePrivateCluster: value } } });
}

describe('aks.private-cluster', () => {
  it('passes when private link is off', () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toEqual({ enablePrivateCluster: false });
  });

  it("passes when apiServerAccessProfile is absent (Azure's default: public API server)", () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ privateCluster: undefined })), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toEqual({ enablePrivateCluster: null });
  });

  it.each([true, 'True'])('fails when enablePrivateCluster is %s', (value) => {
    const evaluation = verdictFor(rule, estateOf(withPrivateFlag(value)), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toEqual({ enablePrivateCluster: true });
  });

  it.each([[1, 'fail'], [0, 'pass'], ['true', 'fail']])('reads %s as a boolean, as Resource Notifications payloads write it', (value, status) => {
    expect(verdictFor(rule, estateOf(withPrivateFlag(value)), ids.aksCluster).status).toBe(status);
  });

  it.each([['yes'], [2], [{ nested: true }], ['x'.repeat(10_000)]])('is unknown when enablePrivateCluster is unreadable (%#)', (value) => {
    const evaluation = verdictFor(rule, estateOf(withPrivateFlag(value)), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(String(evaluation.evidence.enablePrivateCluster).length).toBeLessThanOrEqual(60);
  });

  it('is unknown when the cluster is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksCluster)), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.aksCluster });
  });

  it('judges a cluster once when computes name it in another case or with a trailing slash', () => {
    const rows = [...withAksCompute({ clusterId: `${ids.aksCluster.toUpperCase()}/` }), aksCompute(compliantRows()[0] as ResourceRow, { name: 'aks-2', clusterId: ids.aksCluster })];
    const evaluations = evaluateRule(rule, estateOf(rows));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ resourceId: ids.aksCluster, status: 'pass', workspaceIds: [ids.workspace] });
  });

  it('judges only AKS clusters attached to a workspace', () => {
    const rows = [...compliantRows(), aksCluster({ name: 'aks-unattached', privateCluster: true })];
    expect(evaluateRule(rule, estateOf(rows)).map((evaluation) => evaluation.resourceId)).toEqual([ids.aksCluster]);
  });
});
