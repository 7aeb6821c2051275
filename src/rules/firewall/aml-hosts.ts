import { nameOf, sameId } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { AzureFirewall } from '../../estate';
import { assembleFirewallRules, evaluateFirewall, orderedFirewallRules } from '../../network';
import type { FirewallRuleRef, ParsedRoute } from '../../network';
import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import type { RuleSubject } from '../types';
import { ANY_COMPUTE, subnetSubjects } from '../support/compute-subnets';


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

/** Host verdicts as evidence: the deciding rule, or why it cannot be told. */
function refJson(ref: FirewallRuleRef | null): JsonValue {
  return ref === null ? null : { ...ref };
}

function routeJson(item: RoutedSubnet): { [key: string]: JsonValue } {
  return { subnetId: item.subnetId, routeTableId: item.routeTableId, route: item.route.name, addressPrefix: item.route.addressPrefix, nextHopIpAddress: item.route.nextHopIpAddress ?? null };
}

export const firewallAmlHostsRule = defineRule({
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
      'An Azure Firewall that compute subnets route through must allow the Azure Machine Learning hosts the source document lists, or jobs and deployments cannot reach the service.',
    remediation:
      'Add an Allow network rule (protocol Any or TCP, destination ports * or 443, destination FQDNs) or an Allow application rule (Https:443, target FQDNs) for every listed host, with the compute subnets as sources, in a collection processed before any rule that denies them.',
    enabledByDefault: true,
    guidance: {
      status: 'superseded',
      note: 'The hosts Azure Machine Learning must reach through a firewall are not the 2020 list any more; the guidance keeps its own, longer list.',
      page: CURRENT_PAGES.inboundOutbound,
    },
    messages: {
      covered: "Azure Firewall '{{name}}' allows every Azure ML host for the compute subnets routed through it ({{subnets}}).",
      missingHosts:
        "Azure Firewall '{{name}}', the next hop of compute subnets {{subnets}}, does not let them reach {{hosts}} ({{decidedBy}}); allow these hosts for the compute subnets ahead of any rule that denies them, or jobs cannot reach Azure Machine Learning.",
      undetermined: "Whether Azure Firewall '{{name}}' lets the compute subnets reach {{hosts}} cannot be told: {{reason}}.",
      missingRules: "Azure Firewall '{{name}}' cannot be judged: {{reason}}; include the firewall policy, its parent policies and rule collection groups in the inventory.",
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
  check: ({ target }, estate) => {
    const { firewall } = target;
    const rulebase = assembleFirewallRules(firewall, (id) => estate.firewallPolicy(id));
    const ordered = orderedFirewallRules(rulebase);
    const resolveIpGroup = (id: string): readonly string[] | undefined => estate.ipGroup(id)?.ipAddresses;
    const subnetNames = [...new Set(target.subnets.map((item) => nameOf(item.subnetId)))].join(', ');
    const coveredBy: { host: string; subnetId: string; decidedBy: JsonValue }[] = [];
    const deniedBy: { host: string; subnetId: string; decidedBy: JsonValue }[] = [];
    const uncertain: { host: string; subnetId: string; reason: string; rule: JsonValue }[] = [];
    const subnets = uniqueSubnets(target.subnets);
    for (const host of AML_HOSTS) {
      for (const subnet of subnets) {
        const verdict = evaluateFirewall(rulebase, ordered, { sourcePrefixes: subnet.addressPrefixes, host }, resolveIpGroup);
        if (verdict.decision === 'allow') coveredBy.push({ host, subnetId: subnet.subnetId, decidedBy: refJson(verdict.decidedBy) });
        else if (verdict.decision === 'deny') deniedBy.push({ host, subnetId: subnet.subnetId, decidedBy: refJson(verdict.decidedBy) });
        else uncertain.push({ host, subnetId: subnet.subnetId, reason: verdict.reason, rule: refJson(verdict.rule) });
      }
    }
    const missingHosts = [...new Set(deniedBy.map((item) => item.host))];
    const uncertainHosts = [...new Set(uncertain.map((item) => item.host))].filter((host) => !missingHosts.includes(host));
    const evidence = {
      firewallId: firewall.id,
      firewallPolicyIds: [...rulebase.policyIds],
      missingResourceIds: [...rulebase.missing],
      requiredHosts: [...AML_HOSTS],
      missingHosts,
      deniedBy,
      uncertainHosts: uncertain,
      coveredBy,
      computeSubnets: target.subnets.map(routeJson),
    };
    if (missingHosts.length > 0) {
      const first = deniedBy[0]?.decidedBy as { rule?: string } | null | undefined;
      const decidedBy = first === null || first === undefined ? 'no rule allows them, so the implicit deny applies' : `rule '${String(first.rule)}' denies them`;
      return { status: 'fail', messageId: 'missingHosts', data: { name: firewall.name, hosts: missingHosts.join(', '), subnets: subnetNames, decidedBy }, evidence };
    }
    if (rulebase.missing.length > 0) {
      return { status: 'unknown', messageId: 'missingRules', data: { name: firewall.name, reason: uncertain[0]?.reason ?? 'its rules are not all in the inventory' }, evidence };
    }
    if (uncertain.length > 0) {
      return { status: 'unknown', messageId: 'undetermined', data: { name: firewall.name, hosts: uncertainHosts.join(', '), reason: uncertain[0]?.reason ?? '' }, evidence };
    }
    return { status: 'pass', messageId: 'covered', data: { name: firewall.name, subnets: subnetNames }, evidence };
  },
});

/** A subnet routed through the firewall by several routes is judged once. */
function uniqueSubnets(subnets: readonly RoutedSubnet[]): RoutedSubnet[] {
  const seen = new Set<string>();
  return subnets.filter((subnet) => {
    const key = subnet.subnetId.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
