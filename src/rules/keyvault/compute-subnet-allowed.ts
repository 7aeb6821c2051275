import type { ComputeSubnetRole } from '../../estate';
import { defineRule } from '../types';
import { checkComputeSubnetAccess } from '../support/reachability';
import { associatedResourceSubjects } from '../support/subjects';

/** docs/rules.md: the subnets of clusters and instances (the "experimentation compute") must reach the key vault. */
const ROLES: readonly ComputeSubnetRole[] = ['cluster', 'instance'];

/** 001, "Use a key vault instance with your workspace": add the VNet where the experimentation compute resides. */
export const keyvaultComputeSubnetAllowedRule = defineRule({
  meta: {
    id: 'keyvault.compute-subnet-allowed',
    title: 'A cluster or instance subnet cannot reach the secured workspace key vault',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use a key vault instance with your workspace',
      quote: 'Under Virtual networks, select Add existing virtual networks to add the virtual network where your experimentation compute resides.',
    },
    description:
      'Every subnet where a compute cluster or instance of the workspace runs must reach its secured key vault, through a virtual network rule with the Microsoft.KeyVault service endpoint or a private endpoint in the same VNet.',
    remediation:
      "Add the Microsoft.KeyVault service endpoint to each listed subnet and the subnet to the key vault's virtual network rules, or give the vault an approved private endpoint in the subnet's VNet.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      reachable: "All {{total}} cluster/instance subnet(s) reach key vault '{{name}}': {{subnets}}.",
      unreachable:
        "{{count}} of {{total}} cluster/instance subnet(s) cannot reach key vault '{{name}}': {{subnets}}. Runs there cannot read the workspace's secrets; add each subnet (with the Microsoft.KeyVault service endpoint) to the vault's virtual network rules, or add a private endpoint in its VNet.",
      undetermined: "{{count}} of {{total}} cluster/instance subnet(s) of key vault '{{name}}' cannot be judged: {{subnets}}. Add the missing resources to the inventory.",
      notSecured: "Key vault '{{name}}' is not secured ({{how}}); every network reaches it (see keyvault.default-deny).",
      unreadable: "Key vault '{{name}}' has a firewall section that cannot be read ({{how}}); the check cannot tell which subnets reach it.",
      missing: "Key vault '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
      noComputeSubnet: "No compute cluster or instance of the workspaces using key vault '{{name}}' runs in a subnet ({{roles}}).",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'keyVaultId', (id) => estate.keyVault(id)),
  check: (subject, estate) => checkComputeSubnetAccess(subject, estate, 'keyvault', ROLES),
});
