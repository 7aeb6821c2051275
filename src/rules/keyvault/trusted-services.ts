import { defineRule } from '../types';
import { bypassOf, firewallEvidence, firewallSummary, securedGate } from '../support/associated';
import { associatedResourceSubjects } from '../support/subjects';


/** 001, "Use a key vault instance with your workspace": allow trusted Microsoft services to bypass the firewall. */
export const keyvaultTrustedServicesRule = defineRule({
  meta: {
    id: 'keyvault.trusted-services',
    title: 'Secured workspace key vault does not let trusted Microsoft services bypass its firewall',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use a key vault instance with your workspace',
      quote: 'Under Allow trusted Microsoft services to bypass this firewall, select Yes.',
    },
    description:
      "A secured key vault of a VNet-isolated workspace must let trusted Microsoft services (Azure Machine Learning among them) bypass its firewall: networkAcls.bypass must be AzureServices.",
    remediation: "Set the key vault's network bypass to AzureServices (\"Allow trusted Microsoft services to bypass this firewall\": Yes).",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      allowed: "Key vault '{{name}}' lets trusted Microsoft services bypass its firewall (bypass '{{bypass}}').",
      allowedByDefault: "Key vault '{{name}}' writes no bypass, so Azure's default AzureServices lets trusted Microsoft services bypass its firewall.",
      blocked:
        "Key vault '{{name}}' is secured but its bypass is '{{bypass}}', so Azure Machine Learning cannot read the workspace's secrets through the firewall; set it to AzureServices (\"Allow trusted Microsoft services to bypass this firewall\": Yes).",
      malformedBypass: "Key vault '{{name}}' has a networkAcls.bypass that cannot be read; the check cannot tell whether trusted Microsoft services may bypass the firewall.",
      notSecured: "Key vault '{{name}}' is not secured ({{how}}); no firewall stands between it and trusted services (see keyvault.default-deny).",
      unreadable: "Key vault '{{name}}' has a firewall section that cannot be read ({{how}}); the check cannot judge it.",
      missing: "Key vault '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'keyVaultId', (id) => estate.keyVault(id)),
  check: ({ target, resourceId }) => {
    const gate = securedGate(resourceId, target);
    if (gate.kind === 'missing') return { status: 'unknown', messageId: 'missing', data: { name: resourceId }, evidence: { missingResourceId: resourceId } };
    const vault = gate.resource;
    const how = firewallSummary(vault);
    if (gate.kind === 'unreadable') return { status: 'unknown', messageId: 'unreadable', data: { name: vault.name, how }, evidence: firewallEvidence(vault) };
    if (gate.kind === 'open') return { status: 'not-applicable', messageId: 'notSecured', data: { name: vault.name, how }, evidence: firewallEvidence(vault) };
    const bypass = bypassOf(vault);
    const firewall = firewallEvidence(vault);
    switch (bypass.kind) {
      case 'absent':
        return { status: 'pass', messageId: 'allowedByDefault', data: { name: vault.name }, evidence: { ...firewall, bypass: null, effectiveBypass: 'AzureServices' } };
      case 'malformed':
        return { status: 'unknown', messageId: 'malformedBypass', data: { name: vault.name }, evidence: { ...firewall, bypass: null, bypassMalformed: true } };
      default: {
        // Key Vault's bypass is a single value, AzureServices or None (not a list as for storage).
        const evidence = { ...firewall, bypass: bypass.value };
        return bypass.value.trim().toLowerCase() === 'azureservices'
          ? { status: 'pass', messageId: 'allowed', data: { name: vault.name, bypass: bypass.value }, evidence }
          : { status: 'fail', messageId: 'blocked', data: { name: vault.name, bypass: bypass.value }, evidence };
      }
    }
  },
});
