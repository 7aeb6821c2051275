import { describe, expect, it } from 'vitest';
import { aksInternalLbRule } from '../../../src/rules/aks/internal-lb';
import type { ResourceRow } from '../../../src/inventory/types';
import { estateOf } from '../../support/arm';
import { withAksCompute } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = aksInternalLbRule;

function withLoadBalancerType(value: unknown): ResourceRow[] {
  return compliantRows().map((row) => {
    if (row.id !== ids.aksCompute) return row;
    const properties = row.properties as { properties: Record<string, unknown> };
    const inner = { ...properties.properties };
    if (value === undefined) delete inner.loadBalancerType;
    else inner.loadBalancerType = value;
    return { ...row, properties: { ...properties, properties: inner } };
  });
}

describe('aks.internal-lb', () => {
  it.each(['InternalLoadBalancer', 'internalloadbalancer'])('passes with loadBalancerType %s', (value) => {
    const evaluation = verdictFor(rule, estateOf(withLoadBalancerType(value)), ids.aksCompute);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ loadBalancerType: value, attachedResourceId: ids.aksCluster });
  });

  it('fails with a public load balancer', () => {
    const evaluation = verdictFor(rule, estateOf(withAksCompute({ loadBalancerType: 'PublicIp' })), ids.aksCompute);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('low');
    expect(evaluation.evidence).toMatchObject({ loadBalancerType: 'PublicIp' });
  });

  it("fails when loadBalancerType is absent (Azure's default is PublicIp)", () => {
    const evaluation = verdictFor(rule, estateOf(withLoadBalancerType(undefined)), ids.aksCompute);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ loadBalancerType: null });
  });

  it.each([['SomethingElse'], ['<img src=x onerror=alert(1)>'.repeat(300)]])('is unknown with an unrecognised value (%#)', (value) => {
    expect(verdictFor(rule, estateOf(withLoadBalancerType(value)), ids.aksCompute).status).toBe('unknown');
  });

  it('judges the compute even when its cluster is not in the inventory', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksCluster)), ids.aksCompute).status).toBe('pass');
  });

  it('judges only AKS computes', () => {
    expect(evaluateRule(rule, estateOf(compliantRows())).map((evaluation) => evaluation.resourceId)).toEqual([ids.aksCompute]);
  });
});
