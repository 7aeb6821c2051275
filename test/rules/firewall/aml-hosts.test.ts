import { describe, expect, it } from 'vitest';
import { AML_HOSTS, firewallAmlHostsRule } from '../../../src/rules/firewall/aml-hosts';
import { azureFirewall, estateOf, firewallPolicy, ipGroup, resourceId, ruleCollectionGroup } from '../../support/arm';
import type { ApplicationRuleCollectionSpec, RouteSpec, RuleCollectionSpec } from '../../support/arm';
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
  it('passes when a classic collection covers every host, naming the deciding rules and routed subnets', () => {
    const evaluation = verdictFor(rule, estateWith([classic([amlCollection()])]), firewallId);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ firewallId, missingHosts: [] });
    expect(evaluation.evidence.computeSubnets).toEqual([expect.objectContaining({ subnetId: ids.trainingSubnet, routeTableId: trainingRouteTableId, route: 'ForcedTunnel', nextHopIpAddress: '10.0.100.4' })]);
    expect((evaluation.evidence.coveredBy as unknown[]).length).toBe(AML_HOSTS.length);
    expect(evaluation.evidence.coveredBy).toContainEqual({ host: 'ml.azure.com', subnetId: ids.trainingSubnet, decidedBy: expect.objectContaining({ kind: 'application', collection: 'aml', rule: 'aml-hosts', action: 'Allow', source: 'classic' }) });
  });

  it('passes with broader patterns', () => {
    const broad = ['*.core.windows.net', '*.azure.com', '*.azureml.ms', '*.azureml.net', '*.azure.ai', '*.aether.ms'];
    expect(verdictFor(rule, estateWith([classic([amlCollection(broad)])]), firewallId).status).toBe('pass');
  });

  it('passes with the network rule the source document asks for (protocol Any, ports *, the hosts as destinations)', () => {
    const network: RuleCollectionSpec = { name: 'aml-net', kind: 'network', rules: [{ name: 'aml', destinationFqdns: AML_HOSTS, protocols: ['Any'], destinationPorts: ['*'] }] };
    const evaluation = verdictFor(rule, estateWith([azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', networkRuleCollections: [network] })]), firewallId);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence.coveredBy).toContainEqual(expect.objectContaining({ host: '*.azureml.ms', decidedBy: expect.objectContaining({ kind: 'network', rule: 'aml' }) }));
  });

  it('passes with a network rule to any destination on 443 from the subnet', () => {
    const network: RuleCollectionSpec = { name: 'egress', kind: 'network', rules: [{ name: 'https-out', destinationAddresses: ['*'], protocols: ['TCP'], destinationPorts: ['443'] }] };
    expect(verdictFor(rule, estateWith([azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', networkRuleCollections: [network] })]), firewallId).status).toBe('pass');
  });

  it('fails with a network rule on other ports or UDP only', () => {
    const network: RuleCollectionSpec = {
      name: 'egress',
      kind: 'network',
      rules: [
        { name: 'http-only', destinationAddresses: ['*'], protocols: ['TCP'], destinationPorts: ['80', '8000-8080'] },
        { name: 'udp', destinationAddresses: ['*'], protocols: ['UDP'], destinationPorts: ['*'] },
      ],
    };
    expect(verdictFor(rule, estateWith([azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', networkRuleCollections: [network] })]), firewallId).status).toBe('fail');
  });

  it('passes when the rules sit in the firewall policy and its base policy', () => {
    const base = firewallPolicy({ name: 'fwp-base', groups: ['aml-base'] });
    const child = firewallPolicy({ name: 'fwp-hub', basePolicyId: base.id, groups: ['aml-child'] });
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

  it('fails listing the hosts no rule allows (the implicit deny)', () => {
    const evaluation = verdictFor(rule, estateWith([classic([amlCollection(AML_HOSTS.filter((host) => host !== 'mlworkspace.azure.ai' && host !== '*.aether.ms'))])]), firewallId);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ missingHosts: ['mlworkspace.azure.ai', '*.aether.ms'] });
    expect(evaluation.evidence.deniedBy).toContainEqual({ host: '*.aether.ms', subnetId: ids.trainingSubnet, decidedBy: null });
  });

  it.each<[string, ApplicationRuleCollectionSpec[]]>([
    ['a deny collection', [amlCollection(AML_HOSTS, { action: 'Deny' })]],
    ['sources that exclude the compute subnet', [amlCollection(AML_HOSTS, {}, ['10.9.0.0/16'])]],
    ['exact names where wildcards are needed', [amlCollection(['batchai.core.windows.net', 'ml.azure.com', 'azureml.ms', 'experiments.azureml.net', 'modelmanagement.azureml.net', 'mlworkspace.azure.ai', 'aether.ms'])]],
    ['HTTP only', [{ name: 'aml', rules: [{ name: 'aml-hosts', targetFqdns: AML_HOSTS, protocols: ['Http:80'] }] }]],
    ['no rules at all', []],
  ])('fails with %s', (_, collections) => {
    const evaluation = verdictFor(rule, estateWith([classic(collections)]), firewallId);
    expect(evaluation.status).toBe('fail');
    expect((evaluation.evidence.missingHosts as string[]).length).toBeGreaterThan(0);
  });

  it('fails when a Deny collection of higher priority (lower number) comes before the Allow', () => {
    const deny: RuleCollectionSpec = { name: 'block-aml', action: 'Deny', priority: 100, rules: [{ name: 'no-azureml', targetFqdns: ['*.azureml.ms'] }] };
    const allow = amlCollection(AML_HOSTS, { priority: 200 });
    const evaluation = verdictFor(rule, estateWith([classic([allow, deny])]), firewallId);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.missingHosts).toEqual(['*.azureml.ms']);
    expect(evaluation.evidence.deniedBy).toContainEqual(expect.objectContaining({ host: '*.azureml.ms', decidedBy: expect.objectContaining({ collection: 'block-aml', collectionPriority: 100, rule: 'no-azureml', action: 'Deny' }) }));
  });

  it('passes when the Deny collection comes after the Allow', () => {
    const deny: RuleCollectionSpec = { name: 'block-aml', action: 'Deny', priority: 300, rules: [{ name: 'no-azureml', targetFqdns: ['*.azureml.ms'] }] };
    expect(verdictFor(rule, estateWith([classic([amlCollection(AML_HOSTS, { priority: 200 }), deny])]), firewallId).status).toBe('pass');
  });

  it('fails when a network Deny rule blocks what an application rule allows (network rules first, whatever the priorities)', () => {
    const network: RuleCollectionSpec = { name: 'deny-all', kind: 'network', action: 'Deny', priority: 4000, rules: [{ name: 'deny-web', destinationAddresses: ['*'], protocols: ['TCP'], destinationPorts: ['443'] }] };
    const firewall = azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', applicationRuleCollections: [amlCollection(AML_HOSTS, { priority: 100 })], networkRuleCollections: [network] });
    const evaluation = verdictFor(rule, estateWith([firewall]), firewallId);
    expect(evaluation.status).toBe('fail');
    expect((evaluation.evidence.missingHosts as string[]).length).toBe(AML_HOSTS.length);
  });

  it('processes the parent policy before the child, and groups by priority', () => {
    const base = firewallPolicy({ name: 'fwp-base', groups: ['deny-aether'] });
    const child = firewallPolicy({ name: 'fwp-hub', basePolicyId: base.id, groups: ['aml'] });
    const denyInBase = ruleCollectionGroup(base, { name: 'deny-aether', priority: 60000, collections: [{ name: 'deny', action: 'Deny', rules: [{ name: 'aether', targetFqdns: ['*.aether.ms'] }] }] });
    const rows = [azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId: child.id }), base, child, denyInBase, ruleCollectionGroup(child, { name: 'aml', priority: 100, collections: [amlCollection()] })];
    const evaluation = verdictFor(rule, estateWith(rows), firewallId);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.missingHosts).toEqual(['*.aether.ms']);

    const policy = firewallPolicy({ name: 'fwp-hub', groups: ['first', 'second'] });
    const groupsInOrder = (denyPriority: number): ReturnType<typeof estateWith> =>
      estateWith([
        azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId: policy.id }),
        policy,
        ruleCollectionGroup(policy, { name: 'first', priority: denyPriority, collections: [{ name: 'deny', action: 'Deny', rules: [{ name: 'ml', targetFqdns: ['ml.azure.com'] }] }] }),
        ruleCollectionGroup(policy, { name: 'second', priority: 200, collections: [amlCollection()] }),
      ]);
    expect(verdictFor(rule, groupsInOrder(100), firewallId).status).toBe('fail');
    expect(verdictFor(rule, groupsInOrder(300), firewallId).status).toBe('pass');
  });

  it('is unknown, naming it, when a rule collection group the policy references is not in the inventory', () => {
    const policy = firewallPolicy({ name: 'fwp-hub', groups: ['aml', 'DefaultNetworkRuleCollectionGroup'] });
    const rows = [azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId: policy.id }), policy, ruleCollectionGroup(policy, { name: 'aml', collections: [amlCollection()] })];
    const evaluation = verdictFor(rule, estateWith(rows), firewallId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.missingResourceIds).toEqual([`${policy.id}/ruleCollectionGroups/DefaultNetworkRuleCollectionGroup`]);
    expect(evaluation.message).toContain('DefaultNetworkRuleCollectionGroup');
  });

  it('is unknown when the firewall policy or a parent policy is not in the inventory, even if classic rules would allow', () => {
    const policyId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-elsewhere');
    const withClassic = azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId, applicationRuleCollections: [amlCollection()] });
    const evaluation = verdictFor(rule, estateWith([withClassic]), firewallId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceIds: [policyId] });

    const baseId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-base');
    const child = firewallPolicy({ name: 'fwp-hub', basePolicyId: baseId, groups: ['aml'] });
    const rows = [azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId: child.id }), child, ruleCollectionGroup(child, { name: 'aml', collections: [amlCollection()] })];
    expect(verdictFor(rule, estateWith(rows), firewallId).evidence).toMatchObject({ missingResourceIds: [baseId] });
  });

  it('resolves source IP groups; an IP group missing from the inventory makes the host unknown', () => {
    const group = ipGroup({ name: 'ipg-compute', ipAddresses: ['10.0.0.0/16'] });
    const viaGroup: RuleCollectionSpec = { name: 'aml', rules: [{ name: 'aml-hosts', targetFqdns: AML_HOSTS, sourceAddresses: [], sourceIpGroups: [group.id] }] };
    expect(verdictFor(rule, estateWith([classic([viaGroup]), group]), firewallId).status).toBe('pass');
    const evaluation = verdictFor(rule, estateWith([classic([viaGroup])]), firewallId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.message).toContain('ipg-compute');
  });

  it.each<[string, RuleCollectionSpec]>([
    ['destination service tags', { name: 'maybe', kind: 'network', action: 'Deny', priority: 50, rules: [{ name: 'deny-cloud', destinationAddresses: ['AzureCloud'], protocols: ['TCP'], destinationPorts: ['443'] }] }],
    ['sources covering part of the subnet', { name: 'maybe', action: 'Deny', priority: 50, rules: [{ name: 'deny-half', targetFqdns: ['*'], sourceAddresses: ['10.0.1.0/25'] }] }],
    ['an FQDN tag', { name: 'maybe', action: 'Deny', priority: 50, rules: [{ name: 'deny-tag', targetFqdns: [], fqdnTags: ['WindowsUpdate'] }] }],
  ])('is unknown when a Deny that may match (%s) comes before the Allow, naming it', (_, maybe) => {
    const evaluation = verdictFor(rule, estateWith([azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', applicationRuleCollections: [amlCollection(AML_HOSTS, { priority: 100 }), ...(maybe.kind === 'network' ? [] : [maybe])], networkRuleCollections: maybe.kind === 'network' ? [maybe] : [] })]), firewallId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.uncertainHosts).toContainEqual(expect.objectContaining({ rule: expect.objectContaining({ collection: 'maybe', action: 'Deny' }) }));
  });

  it('is unknown when the only Allow covers part of the subnet', () => {
    const evaluation = verdictFor(rule, estateWith([classic([amlCollection(AML_HOSTS, {}, ['10.0.1.0/25'])])]), firewallId);
    expect(evaluation.status).toBe('unknown');
    expect((evaluation.evidence.uncertainHosts as unknown[]).length).toBe(AML_HOSTS.length);
  });

  it('fails (implicit deny) without looping when base policies form a cycle', () => {
    const aId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-a');
    const bId = resourceId('Microsoft.Network', 'firewallPolicies', 'fwp-b');
    const rows = [azureFirewall({ name: 'fw-hub', privateIp: '10.0.100.4', policyId: aId }), firewallPolicy({ name: 'fwp-a', basePolicyId: bId }), firewallPolicy({ name: 'fwp-b', basePolicyId: aId })];
    const evaluation = verdictFor(rule, estateWith(rows), firewallId);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.firewallPolicyIds).toEqual([aId, bId]);
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
