import { idKey, nameOf } from '../../core/ids';
import type { Subnet } from '../../estate';
import { defineRule } from '../types';
import type { RuleSubject } from '../types';

const ACI_DELEGATION = 'microsoft.containerinstance/containergroups';

interface AciSubnetTarget {
  /** As the first container group wrote it. */
  readonly subnetId: string;
  readonly subnet: Subnet | undefined;
  readonly containerGroupIds: readonly string[];
}


/** 001 "Use Azure Container Instances (ACI)": the deployment subnet must be delegated to container groups. */
export const aciSubnetDelegationRule = defineRule({
  meta: {
    id: 'aci.subnet-delegation',
    title: 'Container instance subnet is not delegated to Microsoft.ContainerInstance/containerGroups',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Container Instances (ACI)',
      quote:
        'To enable Azure Machine Learning to create ACI inside the virtual network, you must enable subnet delegation for the subnet used by the deployment. When enabling delegation, use Microsoft.ContainerInstance/containerGroups as the Delegate subnet to service value.',
    },
    description: 'A subnet that container groups deploy into must be delegated to Microsoft.ContainerInstance/containerGroups, or ACI deployments in the VNet fail.',
    remediation: 'Delegate the subnet to Microsoft.ContainerInstance/containerGroups (the subnet must hold no other kind of resource).',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      delegated: "Subnet '{{name}}' used by {{count}} container group(s) is delegated to Microsoft.ContainerInstance/containerGroups.",
      notDelegated:
        "Subnet '{{name}}' is used by container group(s) {{groups}} but is not delegated to Microsoft.ContainerInstance/containerGroups (delegations: {{delegations}}); add that delegation or ACI deployments into it fail.",
      missing: "Subnet '{{name}}' is used by container group(s) {{groups}} but is not in the inventory; its delegations cannot be read.",
    },
  },
  subjects: (estate) => {
    const byKey = new Map<string, { resourceId: string; workspaceIds: string[]; target: { subnetId: string; subnet: Subnet | undefined; containerGroupIds: string[] } }>();
    for (const group of estate.containerGroups) {
      for (const subnetId of group.subnetIds) {
        const key = idKey(subnetId);
        const existing = byKey.get(key);
        if (existing) {
          if (!existing.target.containerGroupIds.includes(group.id)) existing.target.containerGroupIds.push(group.id);
          continue;
        }
        const subnet = estate.subnet(subnetId);
        // The inventory does not tie a container group to a workspace: no workspace IDs.
        byKey.set(key, { resourceId: subnet?.id ?? subnetId, workspaceIds: [], target: { subnetId, subnet, containerGroupIds: [group.id] } });
      }
    }
    return [...byKey.values()] as RuleSubject<AciSubnetTarget>[];
  },
  check: ({ target }) => {
    const groups = target.containerGroupIds.map((id) => `'${nameOf(id)}'`).join(', ');
    if (target.subnet === undefined) {
      return {
        status: 'unknown',
        messageId: 'missing',
        data: { name: nameOf(target.subnetId), groups },
        evidence: { missingResourceId: target.subnetId, containerGroupIds: [...target.containerGroupIds] },
      };
    }
    const delegations = target.subnet.delegations;
    const evidence = { delegations: [...delegations], containerGroupIds: [...target.containerGroupIds] };
    if (delegations.some((service) => service.trim().toLowerCase() === ACI_DELEGATION)) {
      return { status: 'pass', messageId: 'delegated', data: { name: target.subnet.name, count: target.containerGroupIds.length }, evidence };
    }
    return {
      status: 'fail',
      messageId: 'notDelegated',
      data: { name: target.subnet.name, groups, delegations: delegations.length > 0 ? delegations.join(', ') : 'none' },
      evidence,
    };
  },
});
