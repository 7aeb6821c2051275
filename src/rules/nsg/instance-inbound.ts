import { defineRule } from '../types';
import { subnetSubjects } from '../support/compute-subnets';
import { requiredInboundCheck, serviceTag, tcp } from '../support/traffic';

/** 001, "Required ports": compute instances need inbound TCP 44224 from AzureMachineLearning. */
export const nsgInstanceInboundRule = defineRule({
  meta: {
    id: 'nsg.instance-inbound',
    title: 'Compute instance port 44224 is blocked',
    severity: 'high',
    source: {
      document: '001',
      section: 'Required ports',
      quote: 'For compute instance inbound TCP traffic on port 44224 from a Service Tag of AzureMachineLearning.',
    },
    description:
      'The NSG of a subnet hosting compute instances must admit TCP 44224 from the AzureMachineLearning service tag, or the service cannot reach the instances.',
    remediation:
      'Add an inbound Allow rule to the subnet NSG: source service tag AzureMachineLearning, any source port, TCP, destination port 44224, at a priority number lower than any rule that denies it.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      allowed: "The NSG '{{nsg}}' of subnet '{{name}}' allows inbound TCP {{ports}} from {{peer}}.",
      blocked:
        "Rule '{{rule}}' (priority {{priority}}) of NSG '{{nsg}}' denies inbound TCP {{denied}} from {{peer}} to subnet '{{name}}'; add an Allow rule for source service tag {{peer}} on TCP {{ports}} with a lower priority number, or the compute instances cannot be managed.",
      undetermined: "Whether NSG '{{nsg}}' of subnet '{{name}}' allows inbound TCP {{ports}} from {{peer}} cannot be told: {{reason}}.",
      privateNodes: "Every compute instance in subnet '{{name}}' has no public IP (enableNodePublicIp: false); port 44224 need not be opened.",
      noNsg: "Subnet '{{name}}' has no NSG; nothing at subnet level blocks port 44224.",
      missingSubnet: "Subnet '{{name}}' hosts compute instances but is not in the inventory; its NSG cannot be judged.",
      missingNsg: "Subnet '{{name}}' names NSG '{{nsg}}', which is not in the inventory; its rules cannot be judged.",
    },
  },
  subjects: (estate) => subnetSubjects(estate, ['instance']),
  check: ({ target }, estate) => requiredInboundCheck(estate, target, { direction: 'Inbound', protocol: 'Tcp', ports: tcp(44224), peer: serviceTag('AzureMachineLearning') }),
});
