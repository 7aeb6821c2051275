import { describe, expect, it } from 'vitest';
import { AML_HOSTS, firewallAmlHostsRule } from '../../../src/rules/firewall/aml-hosts';
import { azureFirewall, estateOf, firewallPolicy, resourceId, ruleCollectionGroup } from '../../support/arm';
import type { ApplicationRuleCollectionSpec, RouteSpec } from '../../support/arm';
import type { ResourceRow } from '../../../src/inventory/types';
import { evaluateRule, verdictFor } from '../../support/rules';
import { batchTagRoutes, forcedTunnel, ids, routedRows, serviceTags, trainingRouteTableId } from '../../support/nsg-fixtures';

const rule = firewallAmlHostsRule;
const firewallId = resourceId('Microsoft.Network', 'azureFirewalls', 'fw-hub');

function amlCollection(hosts: readonly string[] = AML_HOSTS, extra: Partial<ApplicationRuleCollectionSpec> = {}, sourceAddresses?: readonly string[]): ApplicationRuleCollectionSpec {
  return { name: 'aml', rules: [{ name: 'aml-hosts', targetFqdns: hosts, ...(sourceAddresses ? { sourceAddresses } : {}) }], ...extra };
}

function estateWith(firewallRows: readonly ResourceRow[], routes: readonly RouteSpec[] = [forcedTunnel, ...batchTagRoutes]): ReturnType<typeof estateOf> {
  return estateOf([...routedRows(routes), ...firewallRows], serviceTags);
}

function classic(collections: readonly ApplicationRuleCollectionSpec[]): ResourceRow {
  return azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', applicationRuleCollections: collections });
}

describe('firewall.aml-hosts', () => {
  it('passes when a classic collection covers every host, naming the covering rules and routed subnets', () => {
    const evaluation = verdictFor(rule, estateWith([classic([amlCollection()])]), firewallId);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ firewallId, missingHosts: [] });
    expect(evaluation.evidence.computeSubnets).toEqual([expect.objectContaining({ subnetId: ids.trainingSubnet, routeTableId: trainingRouteTableId, route: 'ForcedTunnel', nextHopIpAddress: '10.0.100.4' })]);
    expect((evaluation.evidence.coveredBy as unknown[]).length).toBe(AML_HOSTS.length);
  });

  it('passes with broader patterns', () => {
    const broad = ['*.core.windows.net', '*.azure.com', '*.azureml.ms', '*.azureml.net', '*.azure.ai', '*.aether.ms'];
    expect(verdictFor(rule, estateWith([classic([amlCollection(broad)])]), firewallId).status).toBe('pass');
  });

  it('passes when the rules sit in the firewall policy and its base policy', () => {
    const base = firewallPolicy({ name: 'fwp-base' });
    const child = firewallPolicy({ name: 'fwp-hub', basePolicyId: base.id });
    const rows = [
      azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId: child.id }),
      base,
      child,
      ruleCollectionGroup(base, { name: 'aml-base', collections: [amlCollection(AML_HOSTS.slice(0, 3))] }),
      ruleCollectionGroup(child, { name: 'aml-child', collections: [amlCollection(AML_HOSTS.slice(3))] }),
    ];
    const evaluation = verdictFor(rule, estateWith(rows), firewallId);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence.firewallPolicyIds).toEqual([child.id, base.id]);
  });

  it('fails listing the hosts no allow rule covers', () => {
    const evaluation = verdictFor(rule, estateWith([classic([amlCollection(AML_HOSTS.filter((host) => host !== 'mlworkspace.azure.ai' && host !== '*.aether.ms'))])]), firewallId);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ missingHosts: ['mlworkspace.azure.ai', '*.aether.ms'] });
  });

  it.each<[string, ApplicationRuleCollectionSpec[]]>([
    ['a deny collection', [amlCollection(AML_HOSTS, { action: 'Deny' })]],
    ['sources that exclude the compute subnet', [amlCollection(AML_HOSTS, {}, ['10.9.0.0/16'])]],
    ['exact names where wildcards are needed', [amlCollection(['batchai.core.windows.net', 'ml.azure.com', 'azureml.ms', 'experiments.azureml.net', 'modelmanagement.azureml.net', 'mlworkspace.azure.ai', 'aether.ms'])]],
    ['no rules at all', []],
  ])('fails with %s', (_, collections) => {
    const evaluation = verdictFor(rule, estateWith([classic(collections)]), firewallId);
    expect(evaluation.status).toBe('fail');
    expect((evaluation.evidence.missingHosts as string[]).length).toBeGreaterThan(0);
  });

  it('fails without looping when base policies form a cycle', () => {
    const aId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-a');
    const bId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-b');
    const rows = [azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId: aId }), firewallPolicy({ name: 'fwp-a', basePolicyId: bId }), firewallPolicy({ name: 'fwp-b', basePolicyId: aId })];
    const evaluation = verdictFor(rule, estateWith(rows), firewallId);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.firewallPolicyIds).toEqual([aId, bId]);
  });

  it('is unknown when hosts are missing and the firewall policy is not in the inventory', () => {
    const policyId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-elsewhere');
    const evaluation = verdictFor(rule, estateWith([azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId })]), firewallId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingPolicyId: policyId });
  });

  it('passes when the firewall covers everything itself even though its policy is absent', () => {
    const policyId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-elsewhere');
    const row = azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId, applicationRuleCollections: [amlCollection()] });
    expect(verdictFor(rule, estateWith([row]), firewallId).status).toBe('pass');
  });

  it('is unknown when the covering rule takes its sources from IP groups', () => {
    const evaluation = verdictFor(rule, estateWith([classic([amlCollection(AML_HOSTS, {}, [])])]), firewallId);
    expect(evaluation.status).toBe('unknown');
    expect((evaluation.evidence.uncertainHosts as unknown[]).length).toBe(AML_HOSTS.length);
  });

  it('judges only firewalls that are the next hop of a compute subnet', () => {
    expect(evaluateRule(rule, estateOf([...routedRows([]), classic([])], serviceTags))).toEqual([]);
    const elsewhere: RouteSpec = { ...forcedTunnel, nextHopIpAddress: '10.0.200.4' };
    expect(evaluateRule(rule, estateWith([classic([])], [elsewhere]))).toEqual([]);
  });

  it('finds the firewall through any appliance route, not only 0.0.0.0/0', () => {
    const route: RouteSpec = { name: 'ToAml', addressPrefix: 'AzureMachineLearning', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.100.4' };
    expect(evaluateRule(rule, estateWith([classic([amlCollection()])], [route])).map((evaluation) => evaluation.status)).toEqual(['pass']);
  });
});
