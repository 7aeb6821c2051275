import { defineRule } from '../types';
import { bypassEntries, bypassOf, firewallEvidence, firewallSummary, securedGate } from '../support/associated';
import { associatedResourceSubjects } from '../support/subjects';


/** 001, "Use a storage account for your workspace": allow trusted Microsoft services. */
export const storageTrustedServicesRule = defineRule({
  meta: {
    id: 'storage.trusted-services',
    title: 'Secured workspace storage does not let trusted Microsoft services in',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use a storage account for your workspace',
      quote: 'Select the Allow trusted Microsoft services to access this storage account check box.',
    },
    description:
      'A secured storage account of a VNet-isolated workspace must let trusted Microsoft services (Azure Machine Learning among them) through its firewall: networkAcls.bypass must include AzureServices.',
    remediation: 'Add AzureServices to the storage account\'s network bypass ("Allow trusted Microsoft services to access this storage account").',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      allowed: "Storage account '{{name}}' lets trusted Microsoft services through its firewall (bypass '{{bypass}}').",
      allowedByDefault: "Storage account '{{name}}' writes no bypass, so Azure's default AzureServices lets trusted Microsoft services through its firewall.",
      blocked:
        "Storage account '{{name}}' is secured but its bypass '{{bypass}}' lacks AzureServices, so Azure Machine Learning cannot reach the workspace's data through the firewall; add AzureServices (\"Allow trusted Microsoft services to access this storage account\").",
      malformedBypass: "Storage account '{{name}}' has a networkAcls.bypass that cannot be read; the check cannot tell whether trusted Microsoft services are allowed.",
      notSecured: "Storage account '{{name}}' is not secured ({{how}}); no firewall stands between it and trusted services (see storage.default-deny).",
      unreadable: "Storage account '{{name}}' has a firewall section that cannot be read ({{how}}); the check cannot judge it.",
      missing: "Storage account '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'storageAccountId', (id) => estate.storageAccount(id)),
  check: ({ target, resourceId }) => {
    const gate = securedGate(resourceId, target);
    if (gate.kind === 'missing') return { status: 'unknown', messageId: 'missing', data: { name: resourceId }, evidence: { missingResourceId: resourceId } };
    const account = gate.resource;
    const how = firewallSummary(account);
    if (gate.kind === 'unreadable') return { status: 'unknown', messageId: 'unreadable', data: { name: account.name, how }, evidence: firewallEvidence(account) };
    if (gate.kind === 'open') return { status: 'not-applicable', messageId: 'notSecured', data: { name: account.name, how }, evidence: firewallEvidence(account) };
    const bypass = bypassOf(account);
    const firewall = firewallEvidence(account);
    switch (bypass.kind) {
      case 'absent':
        return { status: 'pass', messageId: 'allowedByDefault', data: { name: account.name }, evidence: { ...firewall, bypass: null, effectiveBypass: 'AzureServices' } };
      case 'malformed':
        return { status: 'unknown', messageId: 'malformedBypass', data: { name: account.name }, evidence: { ...firewall, bypass: null, bypassMalformed: true } };
      default: {
        const entries = bypassEntries(bypass.value);
        const evidence = { ...firewall, bypass: bypass.value, bypassEntries: entries };
        return entries.some((entry) => entry.toLowerCase() === 'azureservices')
          ? { status: 'pass', messageId: 'allowed', data: { name: account.name, bypass: bypass.value }, evidence }
          : { status: 'fail', messageId: 'blocked', data: { name: account.name, bypass: bypass.value }, evidence };
      }
    }
  },
});
