import { nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import { cidrsOverlap, parseCidr } from '../../network';
import type { NsgRule } from '../../network';
import { defineRule } from '../types';
import { computeIdsOfUses, subnetLabel, subnetNsgGate, subnetSubjects } from '../support/compute-subnets';


/** What the default outbound rules allow: AllowVnetOutBound (65000) and AllowInternetOutBound (65001). */
type DefaultScope = 'VirtualNetwork' | 'Internet';

/** Whether a rule's source side may hold the subnet: yes, no, or it turns on something unknown. */
function sourceMayHoldSubnet(rule: NsgRule, subnetPrefixes: readonly string[]): 'yes' | 'no' | 'uncertain' {
  if (rule.sourceAsgIds.length > 0) return 'uncertain';
  let uncertain = false;
  for (const address of rule.sourceAddresses) {
    const key = address.trim().toLowerCase();
    if (key === '*' || key === 'any' || key === 'virtualnetwork') return 'yes';
    if (parseCidr(address) === undefined) continue; // Service tags (Internet, Storage…) hold public addresses, not the subnet's.
    if (subnetPrefixes.length === 0) {
      uncertain = true;
      continue;
    }
    const overlaps = subnetPrefixes.map((prefix) => cidrsOverlap(address, prefix));
    if (overlaps.some((overlap) => overlap === true)) return 'yes';
    if (overlaps.some((overlap) => overlap === undefined)) uncertain = true;
  }
  return uncertain ? 'uncertain' : 'no';
}

/** Which default-allowed destinations a rule's destination side may name. */
function scopesOf(rule: NsgRule, vnetPrefixes: readonly string[] | undefined): DefaultScope[] {
  const scopes = new Set<DefaultScope>();
  if (rule.destinationAsgIds.length > 0) scopes.add('VirtualNetwork');
  for (const address of rule.destinationAddresses) {
    const key = address.trim().toLowerCase();
    if (key === '*' || key === 'any') {
      scopes.add('VirtualNetwork');
      scopes.add('Internet');
    } else if (key === 'virtualnetwork') scopes.add('VirtualNetwork');
    else if (key === 'azureloadbalancer') continue;
    else if (parseCidr(address) === undefined) scopes.add('Internet'); // Internet or a public service tag.
    else if (vnetPrefixes !== undefined && vnetPrefixes.some((prefix) => cidrsOverlap(address, prefix) === true)) scopes.add('VirtualNetwork');
    else scopes.add('Internet');
  }
  return [...scopes];
}

/** A denying rule as evidence shows it. */
type DenyingRule = { nsgId: string; rule: string; priority: number; direction: 'Outbound'; access: 'Deny'; protocol: string; destinations: string[]; destinationPorts: string[]; denies: DefaultScope[] };

function ruleJson(nsgId: string, rule: NsgRule, scopes: readonly DefaultScope[]): DenyingRule {
  return {
    nsgId,
    rule: rule.name,
    priority: rule.priority,
    direction: 'Outbound',
    access: 'Deny',
    protocol: rule.protocol,
    destinations: [...rule.destinationAddresses, ...rule.destinationAsgIds],
    destinationPorts: [...rule.destinationPorts],
    denies: [...scopes],
  };
}

/** 001, "Use Azure Kubernetes Service (AKS)": keep the default outbound rules for the NSG. */
export const nsgAksDefaultOutboundRule = defineRule({
  meta: {
    id: 'nsg.aks-default-outbound',
    title: 'AKS subnet NSG overrides the default outbound rules',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Use Azure Kubernetes Service (AKS)',
      quote:
        'Make sure that the NSG group that controls the virtual network has an inbound security rule enabled for the scoring endpoint so that it can be called from outside the virtual network. Keep the default outbound rules for the NSG.',
    },
    description:
      'The NSG of an AKS node subnet should keep the default outbound rules in effect: no custom outbound Deny rule should block traffic to the virtual network or the Internet that AllowVnetOutBound and AllowInternetOutBound allow.',
    remediation:
      'Remove the custom outbound Deny rules from the AKS subnet NSG (or narrow them so they no longer cover virtual network or Internet traffic from the nodes).',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      defaults: "NSG '{{nsg}}' of AKS subnet '{{name}}' keeps the default outbound rules in effect: no custom outbound rule denies virtual network or Internet traffic.",
      overridden:
        "NSG '{{nsg}}' of AKS subnet '{{name}}' has custom outbound Deny rules that override the default outbound rules: {{rules}}. Remove them or narrow them; the source document asks to keep the default outbound rules for AKS.",
      undetermined: "Whether NSG '{{nsg}}' of AKS subnet '{{name}}' overrides the default outbound rules cannot be told: {{reason}}.",
      noNsg: "AKS subnet '{{name}}' has no NSG; the default outbound behaviour applies.",
      missingSubnet: "AKS subnet '{{name}}' is not in the inventory; its NSG cannot be judged.",
      missingNsg: "AKS subnet '{{name}}' names NSG '{{nsg}}', which is not in the inventory; its rules cannot be judged.",
    },
  },
  subjects: (estate) => subnetSubjects(estate, ['aks']),
  check: ({ target }, estate) => {
    const name = subnetLabel(target.subnetId);
    const computeIds = computeIdsOfUses(target.uses);
    const gate = subnetNsgGate(estate, target);
    if (gate.kind === 'missing-subnet') return { status: 'unknown', messageId: 'missingSubnet', data: { name }, evidence: { missingResourceId: target.subnetId, computeIds } };
    if (gate.kind === 'no-nsg') return { status: 'not-applicable', messageId: 'noNsg', data: { name }, evidence: { nsgId: null, computeIds } };
    if (gate.kind === 'missing-nsg') {
      return { status: 'unknown', messageId: 'missingNsg', data: { name, nsg: nameOf(gate.nsgId) }, evidence: { missingResourceId: gate.nsgId, computeIds } };
    }
    const { subnet, nsg } = gate;
    const vnetPrefixes = estate.virtualNetwork(subnet.vnetId)?.addressPrefixes;
    const denying: DenyingRule[] = [];
    const uncertain: { nsgId: string; rule: string | null; priority: number | null; reason: string; [key: string]: JsonValue }[] = [];
    for (const rule of nsg.parsed.outbound) {
      if (rule.isDefault || rule.access !== 'Deny') continue;
      const scopes = scopesOf(rule, vnetPrefixes);
      if (scopes.length === 0) continue;
      const source = sourceMayHoldSubnet(rule, subnet.addressPrefixes);
      if (source === 'yes') denying.push(ruleJson(nsg.id, rule, scopes));
      else if (source === 'uncertain') uncertain.push({ ...ruleJson(nsg.id, rule, scopes), reason: 'its source names an application security group or prefixes that cannot be compared with the subnet' });
    }
    for (const skipped of nsg.parsed.skippedRules ?? []) {
      if (skipped.direction === 'Inbound' || skipped.access === 'Allow') continue;
      uncertain.push({ nsgId: nsg.id, rule: skipped.name ?? null, priority: skipped.priority ?? null, reason: `malformed rule: ${skipped.problem}` });
    }
    if (nsg.parsed.skippedRules === undefined && nsg.parsed.problems.length > 0) {
      uncertain.push({ nsgId: nsg.id, rule: null, priority: null, reason: `the NSG has malformed rules: ${nsg.parsed.problems[0] ?? ''}` });
    }
    const evidence = { nsgId: nsg.id, denyingRules: denying, uncertainRules: uncertain, computeIds };
    if (denying.length > 0) {
      const rules = denying.map((rule) => `'${rule.rule}' (priority ${rule.priority}, denies ${rule.denies.join(' and ')} traffic)`).join(', ');
      return { status: 'fail', messageId: 'overridden', data: { name, nsg: nsg.name, rules }, evidence };
    }
    if (uncertain.length > 0) {
      return { status: 'unknown', messageId: 'undetermined', data: { name, nsg: nsg.name, reason: `rule '${uncertain[0]?.rule ?? '?'}': ${uncertain[0]?.reason ?? ''}` }, evidence };
    }
    return { status: 'pass', messageId: 'defaults', data: { name, nsg: nsg.name }, evidence };
  },
});
