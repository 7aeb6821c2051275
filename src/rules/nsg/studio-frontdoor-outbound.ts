import { sameId } from '../../core/ids';
import { defineRule } from '../types';
import { computeIdsOfUses, regionsOfUses, subnetLabel, subnetNsgOf, subnetSubjects } from '../support/compute-subnets';
import { nsgsByIds, restrictedOutboundCheck } from '../support/traffic';
import type { OutboundPath, RequiredOutbound } from '../support/traffic';

const REQUIRED: readonly RequiredOutbound[] = [{ tag: 'AzureFrontDoor.Frontend', port: 443, regional: false }];

/** 000, "Prerequisites": studio access from a compute instance or VM inside the VNet. */
export const nsgStudioFrontdoorOutboundRule = defineRule({
  meta: {
    id: 'nsg.studio-frontdoor-outbound',
    title: 'Restricted outbound blocks the studio (AzureFrontDoor.Frontend)',
    severity: 'medium',
    source: {
      document: '000',
      section: 'Prerequisites',
      quote:
        'If you are accessing the studio from a resource inside of a virtual network (for example, a compute instance or virtual machine), you must allow outbound traffic from the virtual network to the studio. For example, if you are using network security groups (NSG) to restrict outbound traffic, add a rule to a service tag destination of AzureFrontDoor.Frontend.',
    },
    description:
      'When outbound Internet traffic is denied on the path out of a compute instance or attached VM, TCP 443 to AzureFrontDoor.Frontend must stay allowed so the studio can be used from inside the VNet.',
    remediation:
      'Add an outbound Allow rule for TCP 443 to the AzureFrontDoor.Frontend service tag, with a priority number lower than the rule that denies Internet traffic, on the subnet NSG (and the NIC NSG of attached VMs).',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      allowed: "Outbound traffic from subnet '{{name}}' is restricted and still allows {{needed}}.",
      blocked:
        "Outbound traffic from subnet '{{name}}' is restricted and blocks {{blocked}}; add an outbound Allow rule for AzureFrontDoor.Frontend on TCP 443, or the studio cannot be used from compute instances and VMs there.",
      undetermined: "Outbound traffic from subnet '{{name}}' is restricted, but whether it allows {{needed}} cannot be told: {{reason}}.",
      notRestricted: "Outbound Internet traffic from subnet '{{name}}' is not restricted; the studio is reachable.",
      restrictionUnknown: "Whether outbound traffic from subnet '{{name}}' is restricted cannot be told: {{reason}}.",
      noNsg: "Neither subnet '{{name}}' nor the NICs of its attached VMs have an NSG; outbound traffic is not restricted.",
      missingSubnet: "Subnet '{{name}}' hosts a compute instance but is not in the inventory; its outbound rules cannot be judged.",
      missingNsg: "An NSG on the path out of subnet '{{name}}' is not in the inventory; its outbound rules cannot be judged ({{reason}}).",
    },
  },
  subjects: (estate) => subnetSubjects(estate, ['instance', 'virtual-machine']),
  check: ({ target }, estate) => {
    const name = subnetLabel(target.subnetId);
    const computeIds = computeIdsOfUses(target.uses);
    const subnet = target.subnet;
    if (subnet === undefined) {
      return { status: 'unknown', messageId: 'missingSubnet', data: { name }, evidence: { missingResourceId: target.subnetId, computeIds } };
    }
    const subnetNsg = subnetNsgOf(estate, subnet);
    const subnetNsgIds = subnetNsg.kind === 'present' ? [subnetNsg.nsg.id] : subnetNsg.kind === 'missing' ? [subnetNsg.nsgId] : [];
    const paths: OutboundPath[] = [];
    if (target.uses.some((use) => use.role === 'instance')) {
      const { nsgs, missing } = nsgsByIds(estate, subnetNsgIds);
      paths.push({ label: 'subnet', nsgs, missingNsgIds: missing, localPrefixes: subnet.addressPrefixes });
    }
    // Attached VMs: the subnet NSG and then the NSG of each of the VM's NICs in this subnet.
    const seenNics = new Set<string>();
    for (const use of target.uses) {
      if (use.role !== 'virtual-machine' || use.compute.attachedResourceId === undefined) continue;
      const vm = estate.virtualMachine(use.compute.attachedResourceId);
      for (const nicId of vm?.nicIds ?? []) {
        const nic = estate.networkInterface(nicId);
        if (!nic || seenNics.has(nic.key) || !nic.subnetIds.some((id) => sameId(id, subnet.id))) continue;
        seenNics.add(nic.key);
        const { nsgs, missing } = nsgsByIds(estate, [...subnetNsgIds, ...(nic.nsgId !== undefined ? [nic.nsgId] : [])]);
        paths.push({ label: `NIC ${nic.name}`, nsgs, missingNsgIds: missing, localPrefixes: nic.privateIpAddresses.length > 0 ? nic.privateIpAddresses : subnet.addressPrefixes });
      }
    }
    const filtered = paths.filter((path) => path.nsgs.length > 0 || path.missingNsgIds.length > 0);
    return restrictedOutboundCheck(estate, { name, computeIds }, filtered, REQUIRED, regionsOfUses(estate, target.uses));
  },
});
