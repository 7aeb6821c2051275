import { idKey, nameOf, sameId } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { AzureFirewall, Estate, FirewallApplicationRule } from '../../estate/model';
import { cidrContains, fqdnCovers } from '../../network';
import type { ParsedRoute } from '../../network';
import { defineRule } from '../types';
import type { CheckOutcome, RuleSubject } from '../types';
import { ANY_COMPUTE, subnetSubjects } from '../support/compute-subnets';

type MessageId = 'covered' | 'missingHosts' | 'undetermined' | 'missingPolicy';

/** 001, "Use Azure Firewall": the hosts the firewall must let the computes reach. */
export const AML_HOSTS: readonly string[] = [
  '*.batchai.core.windows.net',
  'ml.azure.com',
  '*.azureml.ms',
  '*.experiments.azureml.net',
  '*.modelmanagement.azureml.net',
  'mlworkspace.azure.ai',
  '*.aether.ms',
];

/** A compute subnet whose route table sends traffic to the firewall. */
interface RoutedSubnet {
  readonly subnetId: string;
  readonly addressPrefixes: readonly string[];
  readonly routeTableId: string;
  readonly route: ParsedRoute;
}

interface FirewallTarget {
  readonly firewall: AzureFirewall;
  readonly subnets: readonly RoutedSubnet[];
}

/** Allow rules of the firewall and of its policy chain (basePolicy), cycles guarded. */
function allowRulesOf(estate: Estate, firewall: AzureFirewall): { rules: FirewallApplicationRule[]; policyIds: string[]; missingPolicyId: string | undefined } {
  const rules = [...firewall.allowApplicationRules];
  const policyIds: string[] = [];
  const seen = new Set<string>();
  let policyId = firewall.firewallPolicyId;
  while (policyId !== undefined && !seen.has(idKey(policyId))) {
    seen.add(idKey(policyId));
    const policy = estate.firewallPolicy(policyId);
    if (!policy) return { rules, policyIds, missingPolicyId: policyId };
    policyIds.push(policy.id);
    rules.push(...policy.allowApplicationRules);
    policyId = policy.basePolicyId;
  }
  return { rules, policyIds, missingPolicyId: undefined };
}

/** Whether a rule admits traffic from every routed compute subnet: its sources cover their prefixes. */
function sourcesCover(rule: FirewallApplicationRule, prefixes: readonly string[]): 'yes' | 'no' | 'uncertain' {
  if (rule.sourceAddresses.length === 0) return 'uncertain'; // IP groups, which the inventory does not hold.
  if (rule.sourceAddresses.some((source) => source.trim() === '*')) return 'yes';
  if (prefixes.length === 0) return 'uncertain';
  let uncertain = false;
  for (const prefix of prefixes) {
    const verdicts = rule.sourceAddresses.map((source) => cidrContains(source, prefix));
    if (verdicts.some((verdict) => verdict === true)) continue;
    if (verdicts.some((verdict) => verdict === undefined)) uncertain = true;
    else return 'no';
  }
  return uncertain ? 'uncertain' : 'yes';
}

/** The hosts are reached over HTTPS: a rule with protocols must list Https. */
function allowsHttps(rule: FirewallApplicationRule): boolean {
  return rule.protocols.length === 0 || rule.protocols.some((protocol) => protocol.toLowerCase().startsWith('https'));
}

function routeJson(item: RoutedSubnet): { [key: string]: JsonValue } {
  return { subnetId: item.subnetId, routeTableId: item.routeTableId, route: item.route.name, addressPrefix: item.route.addressPrefix, nextHopIpAddress: item.route.nextHopIpAddress ?? null };
}

export const firewallAmlHostsRule = defineRule<FirewallTarget, MessageId>({
  meta: {
    id: 'firewall.aml-hosts',
    title: 'Azure Firewall does not allow the Azure ML hosts',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Firewall',
      quote:
        'When using Azure Firewall, you must configure a network rule to allow traffic to and from the following addresses: *.batchai.core.windows.net, ml.azure.com, *.azureml.ms, *.experiments.azureml.net, *.modelmanagement.azureml.net, mlworkspace.azure.ai, *.aether.ms',
    },
    description:
      'An Azure Firewall that compute subnets route through must allow the Azure Machine Learning hosts the seed lists, or jobs and deployments cannot reach the service.',
    remediation:
      'Add an allow rule (application rule collection, or a rule collection group of the firewall policy) whose target FQDNs cover every listed host, with the compute subnets as sources.',
    enabledByDefault: true,
    messages: {
      covered: "Azure Firewall '{{name}}' allows every Azure ML host for the compute subnets routed through it ({{subnets}}).",
      missingHosts:
        "Azure Firewall '{{name}}', the next hop of compute subnets {{subnets}}, does not allow {{hosts}}; add an allow rule for these FQDNs with the compute subnets as sources, or jobs cannot reach Azure Machine Learning.",
      undetermined: "Whether Azure Firewall '{{name}}' allows {{hosts}} for the compute subnets cannot be told: {{reason}}.",
      missingPolicy:
        "Azure Firewall '{{name}}' does not itself allow {{hosts}}, and its firewall policy '{{policy}}' is not in the inventory; the check cannot tell whether the policy does.",
    },
  },
  subjects: (estate) => {
    const byFirewall = new Map<string, { resourceId: string; workspaceIds: string[]; target: { firewall: AzureFirewall; subnets: RoutedSubnet[] } }>();
    for (const subject of subnetSubjects(estate, ANY_COMPUTE)) {
      const subnet = subject.target.subnet;
      if (subnet?.routeTableId === undefined) continue;
      const table = estate.routeTable(subnet.routeTableId);
      for (const route of table?.parsed.routes ?? []) {
        if (route.nextHopType.toLowerCase() !== 'virtualappliance' || route.nextHopIpAddress === undefined) continue;
        const firewall = estate.firewallByPrivateIp(route.nextHopIpAddress);
        if (!firewall) continue;
        let entry = byFirewall.get(firewall.key);
        if (!entry) {
          entry = { resourceId: firewall.id, workspaceIds: [], target: { firewall, subnets: [] } };
          byFirewall.set(firewall.key, entry);
        }
        entry.target.subnets.push({ subnetId: subnet.id, addressPrefixes: subnet.addressPrefixes, routeTableId: table?.id ?? subnet.routeTableId, route });
        for (const workspaceId of subject.workspaceIds) {
          if (!entry.workspaceIds.some((id) => sameId(id, workspaceId))) entry.workspaceIds.push(workspaceId);
        }
      }
    }
    return [...byFirewall.values()] as RuleSubject<FirewallTarget>[];
  },
  check: ({ target }, estate): CheckOutcome<MessageId> => {
    const { firewall } = target;
    const { rules, policyIds, missingPolicyId } = allowRulesOf(estate, firewall);
    const prefixes = [...new Set(target.subnets.flatMap((item) => item.addressPrefixes))];
    const subnetNames = [...new Set(target.subnets.map((item) => nameOf(item.subnetId)))].join(', ');
    const coveredBy: { [key: string]: JsonValue }[] = [];
    const missing: string[] = [];
    const uncertain: { [key: string]: JsonValue }[] = [];
    for (const host of AML_HOSTS) {
      let found: { [key: string]: JsonValue } | undefined;
      let maybe: { [key: string]: JsonValue } | undefined;
      for (const rule of rules) {
        const fqdn = rule.targetFqdns.find((pattern) => fqdnCovers(pattern, host));
        if (fqdn === undefined || !allowsHttps(rule)) continue;
        const sources = sourcesCover(rule, prefixes);
        const fact = { host, collection: rule.collection, rule: rule.name, targetFqdn: fqdn, sourceAddresses: [...rule.sourceAddresses] };
        if (sources === 'yes') {
          found = fact;
          break;
        }
        if (sources === 'uncertain') maybe ??= fact;
      }
      if (found) coveredBy.push(found);
      else if (maybe) uncertain.push({ ...maybe, reason: 'the rule\'s sources (IP groups or unreadable prefixes) cannot be compared with the compute subnets' });
      else missing.push(host);
    }
    const evidence = {
      firewallId: firewall.id,
      firewallPolicyIds: policyIds,
      missingPolicyId: missingPolicyId ?? null,
      requiredHosts: [...AML_HOSTS],
      missingHosts: missing,
      uncertainHosts: uncertain,
      coveredBy,
      computeSubnets: target.subnets.map(routeJson),
    };
    if (missing.length > 0 && missingPolicyId !== undefined) {
      return { status: 'unknown', messageId: 'missingPolicy', data: { name: firewall.name, hosts: missing.join(', '), policy: nameOf(missingPolicyId) }, evidence };
    }
    if (missing.length > 0) return { status: 'fail', messageId: 'missingHosts', data: { name: firewall.name, hosts: missing.join(', '), subnets: subnetNames }, evidence };
    if (uncertain.length > 0) {
      return { status: 'unknown', messageId: 'undetermined', data: { name: firewall.name, hosts: uncertain.map((item) => String(item.host)).join(', '), reason: String(uncertain[0]?.reason) }, evidence };
    }
    return { status: 'pass', messageId: 'covered', data: { name: firewall.name, subnets: subnetNames }, evidence };
  },
});
