import type { ComputeSubnetRole } from '../../estate';
import { defineRule } from '../types';
import { checkComputeSubnetAccess } from '../support/reachability';
import { associatedResourceSubjects } from '../support/subjects';

/** docs/rules.md: clusters, instances, AKS and Databricks subnets must reach the storage account. */
const ROLES: readonly ComputeSubnetRole[] = ['cluster', 'instance', 'aks', 'databricks-public', 'databricks-private'];

/** 001, "Use a storage account for your workspace": the compute's VNet and subnet must be let in. */
export const storageComputeSubnetAllowedRule = defineRule({
  meta: {
    id: 'storage.compute-subnet-allowed',
    title: 'A compute subnet cannot reach the secured workspace storage',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use a storage account for your workspace',
      quote: 'The storage account must be in the same virtual network and subnet as the compute instances or clusters used for training or inference.',
    },
    description:
      'Every subnet where a cluster, instance, AKS or Databricks compute of the workspace runs must reach its secured storage account, through a virtual network rule with the Microsoft.Storage service endpoint or a private endpoint in the same VNet.',
    remediation:
      'Add the Microsoft.Storage service endpoint to each listed subnet and the subnet to the storage account\'s virtual network rules, or give the account an approved private endpoint in the subnet\'s VNet.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      reachable: "All {{total}} compute subnet(s) reach storage account '{{name}}': {{subnets}}.",
      unreachable:
        "{{count}} of {{total}} compute subnet(s) cannot reach storage account '{{name}}': {{subnets}}. Jobs there cannot read or write workspace data; add each subnet (with the Microsoft.Storage service endpoint) to the account's virtual network rules, or add a private endpoint in its VNet.",
      undetermined: "{{count}} of {{total}} compute subnet(s) of storage account '{{name}}' cannot be judged: {{subnets}}. Add the missing resources to the inventory.",
      notSecured: "Storage account '{{name}}' is not secured ({{how}}); every network reaches it (see storage.default-deny).",
      unreadable: "Storage account '{{name}}' has a firewall section that cannot be read ({{how}}); the check cannot tell which subnets reach it.",
      missing: "Storage account '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
      noComputeSubnet: "No cluster, instance, AKS or Databricks compute of the workspaces using storage account '{{name}}' runs in a subnet ({{roles}}).",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'storageAccountId', (id) => estate.storageAccount(id)),
  check: (subject, estate) => checkComputeSubnetAccess(subject, estate, 'storage', ROLES),
});
