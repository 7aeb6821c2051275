import { defineRule } from '../types';
import { CLUSTER_OR_INSTANCE, subnetSubjects } from '../support/compute-subnets';
import { requiredInboundCheck, serviceTag, tcp } from '../support/traffic';

/** 001, "Required ports": inbound TCP 29876-29877 from BatchNodeManagement. */
export const nsgBatchInboundRule = defineRule({
  meta: {
    id: 'nsg.batch-inbound',
    title: 'Batch node management ports are blocked',
    severity: 'high',
    source: {
      document: '001',
      section: 'Required ports',
      quote:
        'The subnet must allow inbound communication from the Batch service. […] Inbound TCP traffic on ports 29876 and 29877 from a Service Tag of BatchNodeManagement. […] If an NSG blocks communication to the compute nodes, the compute service sets the state of the compute nodes to unusable.',
    },
    description:
      'The NSG of a subnet hosting compute clusters or instances must admit TCP 29876-29877 from the BatchNodeManagement service tag, or Azure Batch cannot schedule runs and marks the nodes unusable.',
    remediation:
      'Add an inbound Allow rule to the subnet NSG: source service tag BatchNodeManagement (or BatchNodeManagement.<Region>), any source port, TCP, destination ports 29876-29877, at a priority number lower than any rule that denies them.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      allowed: "The NSG '{{nsg}}' of subnet '{{name}}' allows inbound TCP {{ports}} from {{peer}}.",
      blocked:
        "Rule '{{rule}}' (priority {{priority}}) of NSG '{{nsg}}' denies inbound TCP {{denied}} from {{peer}} to subnet '{{name}}'; add an Allow rule for source service tag {{peer}} on TCP {{ports}} with a lower priority number, or the clusters' nodes become unusable.",
      undetermined: "Whether NSG '{{nsg}}' of subnet '{{name}}' allows inbound TCP {{ports}} from {{peer}} cannot be told: {{reason}}.",
      privateNodes: "Every cluster and instance in subnet '{{name}}' has no public IP (enableNodePublicIp: false); the Batch inbound ports are not needed.",
      noNsg: "Subnet '{{name}}' has no NSG; Azure Batch configures the NIC-level NSGs itself.",
      missingSubnet: "Subnet '{{name}}' hosts clusters or instances but is not in the inventory; its NSG cannot be judged.",
      missingNsg: "Subnet '{{name}}' names NSG '{{nsg}}', which is not in the inventory; its rules cannot be judged.",
    },
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => requiredInboundCheck(estate, target, { direction: 'Inbound', protocol: 'Tcp', ports: tcp(29876, 29877), peer: serviceTag('BatchNodeManagement') }),
});
