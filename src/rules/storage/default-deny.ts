import { defineRule } from '../types';
import type { CheckOutcome } from '../types';
import { securedState } from '../support/firewall';
import { associatedResourceSubjects } from '../support/subjects';

/** 001, "Use a storage account for your workspace": choose "Selected networks". */
export const storageDefaultDenyRule = defineRule({
  meta: {
    id: 'storage.default-deny',
    title: 'Workspace storage accepts traffic from all networks',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use a storage account for your workspace',
      quote: 'On the Firewalls and virtual networks page, do the following actions: Select Selected networks. Under Virtual networks, select the Add existing virtual network link.',
    },
    description: 'The storage account of a VNet-isolated workspace must deny traffic by default and admit only selected networks.',
    remediation: "Set the storage account's network default action to Deny (\"Selected networks\") and add the compute subnets as virtual network rules.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      secured: "Storage account '{{name}}' denies traffic by default ({{how}}).",
      open: "Storage account '{{name}}' of a VNet-isolated workspace accepts traffic from all networks ({{how}}); choose \"Selected networks\" so only the workspace's subnets reach it.",
      malformed: "Storage account '{{name}}' has a firewall section that cannot be read ({{how}}); the check cannot tell whether it is secured.",
      missing: "Storage account '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'storageAccountId', (id) => estate.storageAccount(id)),
  check: ({ target, resourceId }): CheckOutcome<'secured' | 'open' | 'malformed' | 'missing'> => {
    if (target === undefined) return { status: 'unknown', messageId: 'missing', data: { name: resourceId }, evidence: { missingResourceId: resourceId } };
    const evidence = { defaultAction: target.defaultAction ?? null, publicNetworkAccess: target.publicNetworkAccess ?? null };
    const how = `defaultAction ${target.defaultAction ?? 'absent (Azure default Allow)'}, publicNetworkAccess ${target.publicNetworkAccess ?? 'absent'}`;
    switch (securedState(target)) {
      case 'secured':
        return { status: 'pass', messageId: 'secured', data: { name: target.name, how }, evidence };
      case 'open':
        return { status: 'fail', messageId: 'open', data: { name: target.name, how }, evidence };
      default:
        return { status: 'unknown', messageId: 'malformed', data: { name: target.name, how }, evidence };
    }
  },
});
