import { nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import { forcedTunnelRoute, parseCidr, prefixesNotRoutedToInternet } from '../../network';
import type { ParsedRoute } from '../../network';
import { defineRule } from '../types';
import { CLUSTER_OR_INSTANCE, computeIdsOfUses, regionsOfUses, subnetLabel, subnetSubjects } from '../support/compute-subnets';


/** The tags whose regional prefixes must go straight to the Internet (001, "User-defined routes for forced tunneling"). */
const TAGS = ['BatchNodeManagement', 'AzureMachineLearning'] as const;

function routeJson(route: ParsedRoute): { [key: string]: JsonValue } {
  return { name: route.name, addressPrefix: route.addressPrefix, nextHopType: route.nextHopType, nextHopIpAddress: route.nextHopIpAddress ?? null };
}

/** 001, "User-defined routes for forced tunneling". */
export const routeForcedTunnelBatchRule = defineRule({
  meta: {
    id: 'route.forced-tunnel-batch',
    title: 'Forced tunneling sends Batch or Azure ML traffic away from the Internet',
    severity: 'high',
    source: {
      document: '001',
      section: 'User-defined routes for forced tunneling',
      quote:
        "Establish a UDR for each IP address that's used by the Azure Batch service in the region where your resources exist. These UDRs enable the Batch service to communicate with compute nodes for task scheduling. Also add the IP address for the Azure Machine Learning service where the resources exist, as this is required for access to Compute Instances. […] When you add the UDRs, define the route for each related Batch IP address prefix and set Next hop type to Internet.",
    },
    description:
      'A forced-tunneled subnet hosting clusters or instances must route every prefix of BatchNodeManagement.<Region> and AzureMachineLearning.<Region> to next hop Internet, or Batch cannot schedule tasks and instances cannot be reached.',
    remediation:
      'Add user-defined routes with next hop Internet for the BatchNodeManagement.<Region> and AzureMachineLearning.<Region> service tags (a route may name the tag as its address prefix) to the subnet\'s route table.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      routed: "Subnet '{{name}}' is forced-tunneled by route '{{route}}' of '{{table}}', and every prefix of {{tags}} is routed to next hop Internet.",
      notRouted:
        "Subnet '{{name}}' is forced-tunneled by route '{{route}}' of '{{table}}', and {{missing}} are not routed to next hop Internet; add routes with next hop Internet for these service tags (or their prefixes), or Batch and Azure ML cannot reach the compute nodes.",
      undetermined: "Subnet '{{name}}' is forced-tunneled by route '{{route}}' of '{{table}}', but whether {{tags}} are routed to the Internet cannot be told: {{reason}}.",
      noTags: "Subnet '{{name}}' is forced-tunneled by route '{{route}}' of '{{table}}', but the inventory has no service-tag data, so the prefixes of {{tags}} cannot be checked; include the service tags in the snapshot.",
      notForced: "Route table '{{table}}' of subnet '{{name}}' has no 0.0.0.0/0 route to a next hop other than Internet; the subnet is not forced-tunneled.",
      noRouteTable: "Subnet '{{name}}' has no route table; it is not forced-tunneled.",
      missingSubnet: "Subnet '{{name}}' hosts clusters or instances but is not in the inventory; its routes cannot be judged.",
      missingRouteTable: "Subnet '{{name}}' names route table '{{table}}', which is not in the inventory; its routes cannot be judged.",
      privateNodes: "Every cluster and instance in subnet '{{name}}' has no public IP (enableNodePublicIp: false): Batch and Azure ML never call the nodes from the Internet, so no route back to it is needed.",
    },
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => {
    const name = subnetLabel(target.subnetId);
    const computeIds = computeIdsOfUses(target.uses);
    // 001's routes exist so that Batch and Azure ML can reach the nodes' public IPs: without them, nothing to route.
    if (target.uses.length > 0 && target.uses.every((use) => use.compute.enableNodePublicIp === false)) {
      return { status: 'not-applicable', messageId: 'privateNodes', data: { name }, evidence: { computeIds, enableNodePublicIp: false } };
    }
    const subnet = target.subnet;
    if (subnet === undefined) return { status: 'unknown', messageId: 'missingSubnet', data: { name }, evidence: { missingResourceId: target.subnetId, computeIds } };
    if (subnet.routeTableId === undefined) return { status: 'not-applicable', messageId: 'noRouteTable', data: { name }, evidence: { routeTableId: null, computeIds } };
    const table = estate.routeTable(subnet.routeTableId);
    if (table === undefined) {
      return { status: 'unknown', messageId: 'missingRouteTable', data: { name, table: nameOf(subnet.routeTableId) }, evidence: { missingResourceId: subnet.routeTableId, computeIds } };
    }
    const forced = forcedTunnelRoute(table.parsed);
    const tags = TAGS.join(' and ');
    if (forced === undefined) {
      // A malformed route might be the 0.0.0.0/0 one.
      const suspect = (table.parsed.skippedRoutes ?? (table.parsed.problems.length > 0 ? [{ addressPrefix: undefined, problem: table.parsed.problems[0] ?? '' }] : [])).find(
        (route) => route.addressPrefix === undefined || parseCidr(route.addressPrefix)?.prefixLength === 0,
      );
      if (suspect) {
        return {
          status: 'unknown',
          messageId: 'undetermined',
          data: { name, route: '?', table: table.name, tags, reason: `a malformed route may be a forced-tunnel route (${suspect.problem})` },
          evidence: { routeTableId: table.id, forcedTunnelRoute: null, reason: suspect.problem, computeIds },
        };
      }
      return { status: 'not-applicable', messageId: 'notForced', data: { name, table: table.name }, evidence: { routeTableId: table.id, forcedTunnelRoute: null, computeIds } };
    }
    const base = { routeTableId: table.id, forcedTunnelRoute: routeJson(forced), computeIds };
    const data = { name, route: forced.name, table: table.name, tags };
    if (!estate.serviceTags.hasData) return { status: 'unknown', messageId: 'noTags', data, evidence: { ...base, reason: 'no service-tag data' } };
    const missing: { tag: string; region: string; prefixes: string[]; routes: JsonValue[] }[] = [];
    const undetermined: { tag: string; region: string | null; reason: string }[] = [];
    for (const region of regionsOfUses(estate, target.uses)) {
      for (const tag of TAGS) {
        if (region === undefined) {
          undetermined.push({ tag, region: null, reason: 'the workspace region is not known' });
          continue;
        }
        const result = prefixesNotRoutedToInternet(table.parsed, tag, region, estate.serviceTags);
        if (result.decision === 'unknown') undetermined.push({ tag, region, reason: result.reason });
        else if (result.notRoutedToInternet.length > 0) {
          missing.push({
            tag,
            region,
            prefixes: result.notRoutedToInternet.map((item) => item.prefix),
            routes: result.notRoutedToInternet.map((item) => ({ prefix: item.prefix, ...routeJson(item.route), isSystemDefault: item.isSystemDefault })),
          });
        }
      }
    }
    const evidence = { ...base, notRoutedToInternet: missing, undetermined };
    if (missing.length > 0) {
      const text = missing.map((item) => `${item.tag}.${item.region} (${item.prefixes.join(', ')})`).join('; ');
      return { status: 'fail', messageId: 'notRouted', data: { ...data, missing: text }, evidence };
    }
    if (undetermined.length > 0) return { status: 'unknown', messageId: 'undetermined', data: { ...data, reason: undetermined[0]?.reason ?? '' }, evidence };
    return { status: 'pass', messageId: 'routed', data, evidence };
  },
});
