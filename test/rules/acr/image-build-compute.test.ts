import { describe, expect, it } from 'vitest';
import { acrImageBuildComputeRule } from '../../../src/rules/acr/image-build-compute';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, containerRegistry, estateOf, resourceId, workspace } from '../../support/arm';
import { withProperty, withRegistry, withUnreadableRegistry, withWorkspace } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = acrImageBuildComputeRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.workspace);

describe('acr.image-build-compute', () => {
  it('passes when imageBuildCompute names a cluster of the workspace', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ imageBuildCompute: 'cpu-cluster', clusters: ['cpu-cluster'], computeId: ids.cluster, registryId: ids.registry });
  });

  it('compares the compute name case-insensitively', () => {
    expect(judge(withWorkspace({ imageBuildCompute: 'CPU-Cluster' })).status).toBe('pass');
  });

  it('fails when imageBuildCompute is absent', () => {
    const evaluation = judge(withWorkspace({ imageBuildCompute: undefined }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ imageBuildCompute: null, clusters: ['cpu-cluster'] });
  });

  it('fails when imageBuildCompute names no compute of the workspace', () => {
    const evaluation = judge(withWorkspace({ imageBuildCompute: 'gpu-cluster' }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ imageBuildCompute: 'gpu-cluster', clusters: ['cpu-cluster'] });
  });

  it('fails when imageBuildCompute names a compute instance', () => {
    const evaluation = judge(withWorkspace({ imageBuildCompute: 'ci-alice' }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ imageBuildCompute: 'ci-alice', computeId: ids.instance, computeType: 'ComputeInstance' });
  });

  it('does not take a cluster of another workspace', () => {
    const other = workspace({ name: 'ws-other' });
    const rows = [...withWorkspace({ imageBuildCompute: 'shared-builder' }), other, amlCluster(other, { name: 'shared-builder' })];
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ clusters: ['cpu-cluster'] });
  });

  it('applies to a workspace with no compute in a subnet: image builds fail either way', () => {
    const ws = workspace({ name: 'ws-public', containerRegistryId: ids.registry });
    const rows = [ws, containerRegistry({ name: 'acrmlws', defaultAction: 'Deny' })];
    const evaluation = verdictFor(rule, estateOf(rows), ws.id);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ imageBuildCompute: null, clusters: [] });
  });

  it('is unknown when imageBuildCompute is not a string', () => {
    const ws = compliantRows().find((row) => row.id === ids.workspace) as ResourceRow;
    const evaluation = judge(withRow(compliantRows(), withProperty(ws, 'imageBuildCompute', { name: 'cpu-cluster' })));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ imageBuildComputeMalformed: true });
  });

  it('is not applicable when the registry is not secured', () => {
    const evaluation = judge(withRegistry({ defaultAction: 'Allow' }, withWorkspace({ imageBuildCompute: undefined })));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ resourceId: ids.registry, defaultAction: 'Allow' });
  });

  it('is unknown when the registry is missing from the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.registry));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.registry });
  });

  it('does not judge a workspace without a registry', () => {
    const ws = workspace({ name: 'ws-no-acr', storageAccountId: resourceId('Microsoft.Storage', 'storageAccounts', 'st') });
    expect(evaluateRule(rule, estateOf([ws]))).toEqual([]);
  });

  it('is unknown when the registry\'s network rule set cannot be read', () => {
    const evaluation = judge(withUnreadableRegistry());
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('resourceUnreadable');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });
});
