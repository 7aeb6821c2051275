import { nameOf } from '../../core/ids';
import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import { subnetLabel } from '../support/compute-subnets';
import { clusterAndInstanceSubjects } from '../support/subjects';

const DEFAULT_ROUTE = '0.0.0.0/0';
/** Next hops that carry a subnet's Internet traffic somewhere that can send it on. */
const APPLIANCE_HOPS = new Set(['virtualappliance', 'virtualnetworkgateway']);

/**
 * Today's guidance, "Secure an Azure Machine Learning training environment with virtual networks":
 * a cluster or instance without a public IP still needs outbound access (Microsoft Entra ID, Azure
 * Resource Manager, the workspace), which Azure's default outbound access gives only while the
 * subnet has it; a NAT gateway or a firewall is what the page recommends. A default route decides
 * first (a route beats a NAT gateway), then the NAT gateway, then default outbound access.
 */
export const computeNoPublicIpEgressRule = defineRule({
  meta: {
    id: 'compute.no-public-ip-egress',
    title: 'Compute without a public IP has no outbound path',
    severity: 'high',
    source: {
      document: 'current',
      page: CURRENT_PAGES.trainingVnet,
      section: 'Compute instance/cluster with no public IP',
      quote:
        'By default, can access the public network using the default outbound access provided by Azure. We recommend using a Virtual Network NAT gateway or Firewall instead if you need to route outbound traffic to required resources on the internet.',
    },
    description:
      'A compute cluster or instance with no public IP reaches Microsoft Entra ID, Azure Resource Manager and the workspace only through its subnet: a NAT gateway, a default route to a firewall or appliance, or (while the subnet has it) Azure\'s default outbound access.',
    remediation: 'Attach a NAT gateway to the subnet, or route 0.0.0.0/0 to a firewall that allows what Azure Machine Learning needs; do not rely on default outbound access.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      natGateway: "Compute '{{name}}' has no public IP; subnet '{{subnet}}' reaches the Internet through NAT gateway '{{natGateway}}'.",
      throughAppliance: "Compute '{{name}}' has no public IP; subnet '{{subnet}}' sends 0.0.0.0/0 to {{nextHop}} {{nextHopIp}} (route '{{route}}'), its outbound path (what that appliance lets through is judged apart).",
      defaultOutbound:
        "Compute '{{name}}' has no public IP and subnet '{{subnet}}' has no NAT gateway and no default route to an appliance: it relies on Azure's default outbound access, which new subnets no longer get; attach a NAT gateway before you depend on it.",
      noEgress:
        "Compute '{{name}}' has no public IP, and subnet '{{subnet}}' has default outbound access off, no NAT gateway and no default route to a firewall or appliance: the compute cannot reach Microsoft Entra ID, Azure Resource Manager or the workspace, so it fails to start or run jobs; attach a NAT gateway to the subnet, or route 0.0.0.0/0 to a firewall.",
      dropped:
        "Compute '{{name}}' has no public IP, and route '{{route}}' of route table '{{table}}' on subnet '{{subnet}}' drops 0.0.0.0/0 (next hop None): the compute has no outbound path; route it to a firewall or remove the route and attach a NAT gateway.",
      missingSubnet: "Compute '{{name}}' has no public IP and runs in subnet '{{subnet}}', which is not in the inventory; its outbound path cannot be judged.",
      missingRouteTable: "Compute '{{name}}' has no public IP; route table '{{table}}' of subnet '{{subnet}}' is not in the inventory, so where its outbound traffic goes cannot be judged.",
    },
  },
  subjects: (estate) => clusterAndInstanceSubjects(estate, (compute) => compute.enableNodePublicIp === false),
  check: ({ target: compute }, estate) => {
    const subnetId = compute.subnetId ?? '';
    const name = compute.name;
    const label = subnetLabel(subnetId);
    const subnet = estate.subnet(subnetId);
    if (subnet === undefined) return { status: 'unknown', messageId: 'missingSubnet', data: { name, subnet: label }, evidence: { subnetId } };
    const evidence = { subnetId, natGatewayId: subnet.natGatewayId ?? null, defaultOutboundAccess: subnet.defaultOutboundAccess ?? null, routeTableId: subnet.routeTableId ?? null };
    if (subnet.routeTableId !== undefined) {
      const table = estate.routeTable(subnet.routeTableId);
      if (table === undefined) return { status: 'unknown', messageId: 'missingRouteTable', data: { name, subnet: label, table: nameOf(subnet.routeTableId) }, evidence };
      const route = table.parsed.routes.find((candidate) => candidate.addressPrefix.trim() === DEFAULT_ROUTE);
      const hop = route?.nextHopType.trim().toLowerCase();
      if (route !== undefined && hop === 'none') {
        return { status: 'fail', messageId: 'dropped', data: { name, subnet: label, route: route.name, table: table.name }, evidence: { ...evidence, route: route.name, nextHopType: route.nextHopType } };
      }
      if (route !== undefined && hop !== undefined && APPLIANCE_HOPS.has(hop)) {
        return {
          status: 'pass',
          messageId: 'throughAppliance',
          data: { name, subnet: label, route: route.name, nextHop: route.nextHopType, nextHopIp: route.nextHopIpAddress ?? '' },
          evidence: { ...evidence, route: route.name, nextHopType: route.nextHopType, nextHopIpAddress: route.nextHopIpAddress ?? null },
        };
      }
    }
    if (subnet.natGatewayId !== undefined) return { status: 'pass', messageId: 'natGateway', data: { name, subnet: label, natGateway: nameOf(subnet.natGatewayId) }, evidence };
    if (subnet.defaultOutboundAccess === false) return { status: 'fail', messageId: 'noEgress', data: { name, subnet: label }, evidence };
    return { status: 'pass', messageId: 'defaultOutbound', data: { name, subnet: label }, evidence };
  },
});
