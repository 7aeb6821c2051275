import { defineRule } from '../types';
import { firewallEvidence, firewallSummary, securedGate } from '../support/associated';
import { associatedResourceSubjects } from '../support/subjects';


/** 001, "Use Azure Container Registry": a registry in a virtual network must be Premium. */
export const acrPremiumSkuRule = defineRule({
  meta: {
    id: 'acr.premium-sku',
    title: 'Secured workspace registry is not Premium',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Container Registry',
      quote: 'Azure Container Registry (ACR) can be put inside a virtual network, however you must meet the following prerequisites: Your Azure Container Registry must be Premium version.',
    },
    description: 'Network rules and private endpoints of a container registry are Premium features: the secured registry of a VNet-isolated workspace must use the Premium SKU.',
    remediation: 'Upgrade the registry to the Premium SKU (az acr update --sku Premium); its images are kept.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      premium: "Container registry '{{name}}' is secured and uses the Premium SKU.",
      notPremium:
        "Container registry '{{name}}' is secured ({{how}}) but uses the {{sku}} SKU; network rules and private endpoints need Premium, so the workspace's computes may not reach it. Upgrade it to Premium.",
      unknownSku: "Container registry '{{name}}' is secured but its row has no readable sku.name; the check cannot tell its SKU.",
      notSecured: "Container registry '{{name}}' is not secured ({{how}}); its SKU does not matter to network isolation.",
      unreadable: "Container registry '{{name}}' has a network rule set that cannot be read ({{how}}); the check cannot tell whether it is secured.",
      missing: "Container registry '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'containerRegistryId', (id) => estate.containerRegistry(id)),
  check: ({ target, resourceId }) => {
    const gate = securedGate(resourceId, target);
    if (gate.kind === 'missing') return { status: 'unknown', messageId: 'missing', data: { name: resourceId }, evidence: { missingResourceId: resourceId } };
    const registry = gate.resource;
    const how = firewallSummary(registry);
    const evidence = { ...firewallEvidence(registry), skuName: registry.skuName ?? null };
    if (gate.kind === 'unreadable') return { status: 'unknown', messageId: 'unreadable', data: { name: registry.name, how }, evidence };
    if (gate.kind === 'open') return { status: 'not-applicable', messageId: 'notSecured', data: { name: registry.name, how }, evidence };
    if (registry.skuName === undefined) return { status: 'unknown', messageId: 'unknownSku', data: { name: registry.name }, evidence };
    return registry.skuName.trim().toLowerCase() === 'premium'
      ? { status: 'pass', messageId: 'premium', data: { name: registry.name }, evidence }
      : { status: 'fail', messageId: 'notPremium', data: { name: registry.name, how, sku: registry.skuName }, evidence };
  },
});
