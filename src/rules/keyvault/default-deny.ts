import { defineRule } from '../types';
import { firewallEvidence, firewallSummary, securedGate } from '../support/associated';
import { associatedResourceSubjects } from '../support/subjects';


/** 001, "Use a key vault instance with your workspace": under "Allow access from", select "Selected networks". */
export const keyvaultDefaultDenyRule = defineRule({
  meta: {
    id: 'keyvault.default-deny',
    title: 'Workspace key vault accepts traffic from all networks',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Use a key vault instance with your workspace',
      quote: 'On the Firewalls and virtual networks page, do the following actions: Under Allow access from, select Selected networks.',
    },
    description: 'The key vault of a VNet-isolated workspace holds its storage connection string and registry passwords; it must deny traffic by default and admit only selected networks.',
    remediation: "Set the key vault's network default action to Deny (\"Selected networks\") and add the cluster and instance subnets as virtual network rules.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      secured: "Key vault '{{name}}' denies traffic by default ({{how}}).",
      open: "Key vault '{{name}}' of a VNet-isolated workspace accepts traffic from all networks ({{how}}); choose \"Selected networks\" so only the workspace's subnets reach its secrets.",
      malformed: "Key vault '{{name}}' has a firewall section that cannot be read ({{how}}); the check cannot tell whether it is secured.",
      missing: "Key vault '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'keyVaultId', (id) => estate.keyVault(id)),
  check: ({ target, resourceId }) => {
    const gate = securedGate(resourceId, target);
    if (gate.kind === 'missing') return { status: 'unknown', messageId: 'missing', data: { name: resourceId }, evidence: { missingResourceId: resourceId } };
    const vault = gate.resource;
    const data = { name: vault.name, how: firewallSummary(vault) };
    const evidence = firewallEvidence(vault);
    if (gate.kind === 'secured') return { status: 'pass', messageId: 'secured', data, evidence };
    if (gate.kind === 'open') return { status: 'fail', messageId: 'open', data, evidence };
    return { status: 'unknown', messageId: 'malformed', data, evidence };
  },
});
