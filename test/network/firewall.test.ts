import { describe, expect, it } from 'vitest';
import { assembleFirewallRules, evaluateFirewall, orderedFirewallRules, parseClassicFirewallRules, parseRuleCollectionGroup } from '../../src/network';
import type { FirewallPolicyRules, FirewallRuleCollectionGroup, FirewallVerdict } from '../../src/network';

const SUBNET = ['10.0.1.0/24'];
const POLICY = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/fwp';

function networkRule(fields: Record<string, unknown>): Record<string, unknown> {
  return { ruleType: 'NetworkRule', name: 'n', ipProtocols: ['TCP'], sourceAddresses: ['*'], destinationAddresses: ['*'], destinationPorts: ['443'], ...fields };
}

function applicationRule(fields: Record<string, unknown>): Record<string, unknown> {
  return { ruleType: 'ApplicationRule', name: 'a', protocols: [{ protocolType: 'Https', port: 443 }], sourceAddresses: ['*'], targetFqdns: ['*'], ...fields };
}

function group(name: string, priority: number, collections: readonly { name: string; priority: number; action: string; rules: readonly Record<string, unknown>[] }[]): FirewallRuleCollectionGroup {
  return parseRuleCollectionGroup(`${POLICY}/ruleCollectionGroups/${name}`, name, {
    priority,
    ruleCollections: collections.map((collection) => ({ ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: collection.name, priority: collection.priority, action: { type: collection.action }, rules: collection.rules })),
  });
}

function judge(groups: readonly FirewallRuleCollectionGroup[], host = 'ml.azure.com', sourcePrefixes: readonly string[] = SUBNET, ipGroups: Record<string, string[]> = {}): FirewallVerdict {
  const policy: FirewallPolicyRules = { id: POLICY, basePolicyId: undefined, referencedGroupIds: groups.map((item) => item.id), groups };
  const rulebase = assembleFirewallRules({ classicRules: parseClassicFirewallRules('fw', {}), firewallPolicyId: POLICY }, (id) => (id === POLICY ? policy : undefined));
  return evaluateFirewall(rulebase, orderedFirewallRules(rulebase), { sourcePrefixes, host }, (id) => ipGroups[id]);
}

const allowAll = (fields: Record<string, unknown> = {}): FirewallRuleCollectionGroup => group('g', 100, [{ name: 'c', priority: 100, action: 'Allow', rules: [networkRule(fields)] }]);
const allowApp = (fields: Record<string, unknown> = {}): FirewallRuleCollectionGroup => group('g', 100, [{ name: 'c', priority: 100, action: 'Allow', rules: [applicationRule(fields)] }]);

describe('Azure Firewall rule processing', () => {
  it('denies by default when no rule matches', () => {
    expect(judge([])).toEqual({ decision: 'deny', decidedBy: null });
  });

  describe('network rules', () => {
    it.each<[string, Record<string, unknown>, FirewallVerdict['decision']]>([
      ['TCP 443 to *', {}, 'allow'],
      ['Any protocol', { ipProtocols: ['Any'] }, 'allow'],
      ['UDP only', { ipProtocols: ['UDP'] }, 'deny'],
      ['ICMP only', { ipProtocols: ['ICMP'] }, 'deny'],
      ['ports *', { destinationPorts: ['*'] }, 'allow'],
      ['a port range holding 443', { destinationPorts: ['400-500'] }, 'allow'],
      ['other ports', { destinationPorts: ['80', '8443'] }, 'deny'],
      ['0.0.0.0/0 as destination', { destinationAddresses: ['0.0.0.0/0'] }, 'allow'],
      ['the exact FQDN', { destinationAddresses: [], destinationFqdns: ['ML.Azure.com.'] }, 'allow'],
      ['another FQDN', { destinationAddresses: [], destinationFqdns: ['example.com'] }, 'deny'],
      ['a destination service tag', { destinationAddresses: ['AzureMachineLearning'] }, 'unknown'],
      ['a destination IP prefix', { destinationAddresses: ['20.0.0.0/8'] }, 'unknown'],
      ['sources covering the subnet', { sourceAddresses: ['10.0.0.0/16'] }, 'allow'],
      ['sources as an address range covering the subnet', { sourceAddresses: ['10.0.1.0-10.0.1.255'] }, 'allow'],
      ['sources covering part of the subnet', { sourceAddresses: ['10.0.1.0/25'] }, 'unknown'],
      ['sources elsewhere', { sourceAddresses: ['192.168.0.0/16'] }, 'deny'],
      ['unreadable sources', { sourceAddresses: ['not-an-address'] }, 'unknown'],
      ['no protocols', { ipProtocols: [] }, 'unknown'],
    ])('%s', (_, fields, decision) => {
      expect(judge([allowAll(fields)]).decision).toBe(decision);
    });

    it('matches a wildcard host only by * (a network rule names exact hosts); a name under it may match', () => {
      expect(judge([allowAll({ destinationAddresses: [], destinationFqdns: ['ws1.azureml.ms'] })], '*.azureml.ms').decision).toBe('unknown');
      expect(judge([allowAll()], '*.azureml.ms').decision).toBe('allow');
    });

    it('resolves source and destination IP groups', () => {
      const ipg = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/ipGroups/ipg';
      expect(judge([allowAll({ sourceAddresses: [], sourceIpGroups: [ipg] })], 'ml.azure.com', SUBNET, { [ipg]: ['10.0.0.0/8'] }).decision).toBe('allow');
      expect(judge([allowAll({ sourceAddresses: [], sourceIpGroups: [ipg] })], 'ml.azure.com', SUBNET, {})).toMatchObject({ decision: 'unknown', reason: expect.stringContaining('ipg') });
      expect(judge([allowAll({ destinationAddresses: [], destinationIpGroups: [ipg] })], 'ml.azure.com', SUBNET, { [ipg]: ['0.0.0.0/0'] }).decision).toBe('allow');
    });
  });

  describe('application rules', () => {
    it.each<[string, Record<string, unknown>, string, FirewallVerdict['decision']]>([
      ['* covers every host', {}, '*.azureml.ms', 'allow'],
      ['a wildcard covers names under it', { targetFqdns: ['*.azure.com'] }, 'ml.azure.com', 'allow'],
      ['a wildcard covers narrower wildcards', { targetFqdns: ['*.core.windows.net'] }, '*.batchai.core.windows.net', 'allow'],
      ['a wildcard does not cover its apex', { targetFqdns: ['*.azureml.ms'] }, 'azureml.ms', 'deny'],
      ['a name below the required wildcard may match', { targetFqdns: ['ws1.azureml.ms'] }, '*.azureml.ms', 'unknown'],
      ['Https on another port', { protocols: [{ protocolType: 'Https', port: 8443 }] }, 'ml.azure.com', 'deny'],
      ['Http only', { protocols: [{ protocolType: 'Http', port: 80 }] }, 'ml.azure.com', 'deny'],
      ['FQDN tags', { targetFqdns: [], fqdnTags: ['AzureKubernetesService'] }, 'ml.azure.com', 'unknown'],
      ['web categories', { targetFqdns: [], webCategories: ['Business'] }, 'ml.azure.com', 'unknown'],
    ])('%s', (_, fields, host, decision) => {
      expect(judge([allowApp(fields)], host).decision).toBe(decision);
    });
  });

  describe('order', () => {
    it('processes network rules before application rules whatever their priorities', () => {
      const groups = [
        group('apps', 100, [{ name: 'allow-app', priority: 100, action: 'Allow', rules: [applicationRule({})] }]),
        group('nets', 65000, [{ name: 'deny-net', priority: 65000, action: 'Deny', rules: [networkRule({})] }]),
      ];
      expect(judge(groups)).toMatchObject({ decision: 'deny', decidedBy: { kind: 'network', group: 'nets', collection: 'deny-net' } });
    });

    it('orders groups, then collections, by priority; the first match decides', () => {
      const collections = (denyPriority: number): FirewallRuleCollectionGroup[] => [
        group('g', 100, [
          { name: 'allow', priority: 200, action: 'Allow', rules: [applicationRule({})] },
          { name: 'deny', priority: denyPriority, action: 'Deny', rules: [applicationRule({})] },
        ]),
      ];
      expect(judge(collections(100))).toMatchObject({ decision: 'deny', decidedBy: { collection: 'deny', collectionPriority: 100, groupPriority: 100 } });
      expect(judge(collections(300))).toMatchObject({ decision: 'allow', decidedBy: { collection: 'allow' } });
      const groups = (denyGroupPriority: number): FirewallRuleCollectionGroup[] => [
        group('allow', 200, [{ name: 'allow', priority: 100, action: 'Allow', rules: [applicationRule({})] }]),
        group('deny', denyGroupPriority, [{ name: 'deny', priority: 65000, action: 'Deny', rules: [applicationRule({})] }]),
      ];
      expect(judge(groups(100)).decision).toBe('deny');
      expect(judge(groups(300)).decision).toBe('allow');
    });

    it('keeps every outcome a "may" rule opens: a may-deny before an allow is unknown, a may-allow before an allow is not', () => {
      const mayDeny = group('g', 100, [
        { name: 'maybe', priority: 100, action: 'Deny', rules: [networkRule({ destinationAddresses: ['AzureCloud'] })] },
        { name: 'allow', priority: 200, action: 'Allow', rules: [applicationRule({})] },
      ]);
      expect(judge([mayDeny])).toMatchObject({ decision: 'unknown', rule: { collection: 'maybe', action: 'Deny' } });
      const mayAllow = group('g', 100, [
        { name: 'maybe', priority: 100, action: 'Allow', rules: [networkRule({ destinationAddresses: ['AzureCloud'] })] },
        { name: 'allow', priority: 200, action: 'Allow', rules: [applicationRule({})] },
      ]);
      expect(judge([mayAllow])).toMatchObject({ decision: 'allow', decidedBy: { collection: 'allow' } });
      const mayAllowThenDeny = group('g', 100, [
        { name: 'maybe', priority: 100, action: 'Allow', rules: [networkRule({ destinationAddresses: ['AzureCloud'] })] },
        { name: 'deny', priority: 200, action: 'Deny', rules: [applicationRule({})] },
      ]);
      expect(judge([mayAllowThenDeny])).toMatchObject({ decision: 'unknown', rule: { collection: 'maybe', action: 'Allow' } });
    });

    it('puts the parent policy before the child and names what is missing', () => {
      const parentId = `${POLICY}-parent`;
      const parentGroup = { ...group('p', 65000, [{ name: 'deny', priority: 65000, action: 'Deny', rules: [applicationRule({})] }]), id: `${parentId}/ruleCollectionGroups/p` };
      const childGroup = group('c', 100, [{ name: 'allow', priority: 100, action: 'Allow', rules: [applicationRule({})] }]);
      const policies: Record<string, FirewallPolicyRules> = {
        [POLICY]: { id: POLICY, basePolicyId: parentId, referencedGroupIds: [childGroup.id], groups: [childGroup] },
        [parentId]: { id: parentId, basePolicyId: undefined, referencedGroupIds: [parentGroup.id, `${parentId}/ruleCollectionGroups/absent`], groups: [parentGroup] },
      };
      const rulebase = assembleFirewallRules({ classicRules: parseClassicFirewallRules('fw', {}), firewallPolicyId: POLICY }, (id) => policies[id]);
      expect(rulebase.policyIds).toEqual([POLICY, parentId]);
      expect(rulebase.missing).toEqual([`${parentId}/ruleCollectionGroups/absent`]);
      expect(evaluateFirewall(rulebase, orderedFirewallRules(rulebase), { sourcePrefixes: SUBNET, host: 'ml.azure.com' }, () => undefined)).toMatchObject({ decision: 'unknown', reason: expect.stringContaining('absent') });
      const complete = { ...rulebase, missing: [] };
      expect(evaluateFirewall(complete, orderedFirewallRules(complete), { sourcePrefixes: SUBNET, host: 'ml.azure.com' }, () => undefined)).toMatchObject({ decision: 'deny', decidedBy: { source: parentId } });
    });

    it('reads classic collections of both types and ignores NAT collections', () => {
      const classic = parseClassicFirewallRules('fw', {
        natRuleCollections: [{ name: 'nat', properties: { priority: 100, action: { type: 'Dnat' }, rules: [{ name: 'x' }] } }],
        networkRuleCollections: [{ name: 'net', properties: { priority: 200, action: { type: 'Allow' }, rules: [{ name: 'web', protocols: ['TCP'], sourceAddresses: ['*'], destinationAddresses: ['*'], destinationPorts: ['443'] }] } }],
        applicationRuleCollections: [{ name: 'app', properties: { priority: 100, action: { type: 'Deny' }, rules: [{ name: 'deny', protocols: [{ protocolType: 'Https', port: 443 }], sourceAddresses: ['*'], targetFqdns: ['*'] }] } }],
      });
      expect(classic.collections.map((collection) => collection.name)).toEqual(['net', 'app']);
      const rulebase = assembleFirewallRules({ classicRules: classic, firewallPolicyId: undefined }, () => undefined);
      expect(evaluateFirewall(rulebase, orderedFirewallRules(rulebase), { sourcePrefixes: SUBNET, host: 'ml.azure.com' }, () => undefined)).toMatchObject({ decision: 'allow', decidedBy: { kind: 'network', source: 'classic', group: null } });
    });

    it('never throws on hostile or malformed JSON', () => {
      for (const properties of [null, 42, 'x', { ruleCollections: 'x' }, { ruleCollections: [null, 1, { properties: { rules: [{ ruleType: 'NetworkRule', ipProtocols: 'TCP', destinationPorts: [null] }] } }] }]) {
        const parsed = parseRuleCollectionGroup('g', 'g', properties);
        expect(() => judge([parsed])).not.toThrow();
      }
    });
  });
});
