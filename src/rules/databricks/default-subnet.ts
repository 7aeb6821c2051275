import { nameOf } from '../../core/ids';
import { defineRule } from '../types';
import { attachedResourceSubjects, missingAttached } from '../support/attached';


/** 001 "Use Azure Databricks": besides databricks-public and databricks-private, the VNet's `default` subnet is required. */
export const databricksDefaultSubnetRule = defineRule({
  meta: {
    id: 'databricks.default-subnet',
    title: "Databricks VNet has no 'default' subnet besides the public and private ones",
    severity: 'low',
    source: {
      document: '001',
      section: 'Use Azure Databricks',
      quote: 'In addition to the databricks-private and databricks-public subnets used by Azure Databricks, the default subnet created for the virtual network is also required.',
    },
    description: "The VNet of an attached Azure Databricks workspace needs a subnet named 'default' in addition to the Databricks public and private subnets.",
    remediation: "Add a subnet named 'default' to the Databricks VNet (any free range outside the Databricks subnets).",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      present: "The VNet '{{vnet}}' of Databricks workspace '{{name}}' has a 'default' subnet besides its public and private subnets.",
      absent:
        "The VNet '{{vnet}}' of Databricks workspace '{{name}}' has no subnet named 'default' besides its public and private subnets (subnets: {{subnets}}); add a 'default' subnet.",
      vnetMissing: "The VNet '{{vnet}}' of Databricks workspace '{{name}}' is not in the inventory; its subnets cannot be listed.",
      noVnet: "Databricks workspace '{{name}}' is not injected into a VNet of yours (no customVirtualNetworkId), so there is no VNet to hold a 'default' subnet.",
      missing: "Databricks workspace '{{name}}' is attached to an Azure ML workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: (estate) => attachedResourceSubjects(estate, 'Databricks', (id) => estate.databricksWorkspace(id)),
  check: ({ target }, estate) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const databricks = target.resource;
    const vnetId = databricks.vnetId;
    if (vnetId === undefined) return { status: 'not-applicable', messageId: 'noVnet', data: { name: databricks.name }, evidence: { vnetId: null } };
    const data = { name: databricks.name, vnet: nameOf(vnetId) };
    if (estate.virtualNetwork(vnetId) === undefined) return { status: 'unknown', messageId: 'vnetMissing', data, evidence: { missingResourceId: vnetId } };
    // Subnet names are case-insensitive in Azure.
    const reserved = new Set([databricks.publicSubnetName, databricks.privateSubnetName].filter((name): name is string => name !== undefined).map((name) => name.toLowerCase()));
    const names = estate.subnetsOf(vnetId).map((subnet) => subnet.name);
    const defaultSubnet = names.find((name) => name.toLowerCase() === 'default' && !reserved.has(name.toLowerCase()));
    const evidence = {
      vnetId,
      subnetNames: names,
      publicSubnetName: databricks.publicSubnetName ?? null,
      privateSubnetName: databricks.privateSubnetName ?? null,
      defaultSubnet: defaultSubnet ?? null,
    };
    if (defaultSubnet !== undefined) return { status: 'pass', messageId: 'present', data, evidence };
    return { status: 'fail', messageId: 'absent', data: { ...data, subnets: names.length > 0 ? names.join(', ') : 'none' }, evidence };
  },
});
