import type { ComputeSubnetRole } from '../../estate';
import { defineRule } from '../types';
import { checkComputeSubnetAccess } from '../support/reachability';
import { associatedResourceSubjects } from '../support/subjects';

/** docs/rules.md: clusters, instances, AKS and Databricks subnets must reach the registry. */
const ROLES: readonly ComputeSubnetRole[] = ['cluster', 'instance', 'aks', 'databricks-public', 'databricks-private'];

/** 001, "Use Azure Container Registry": the registry must be in the VNet and subnet of the compute targets. */
export const acrComputeSubnetAllowedRule = defineRule({
  meta: {
    id: 'acr.compute-subnet-allowed',
    title: 'A compute subnet cannot reach the secured workspace registry',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Container Registry',
      quote: 'Your Azure Container Registry must be in the same virtual network and subnet as the storage account and compute targets used for training or inference.',
    },
    description:
      'Every subnet where a cluster, instance, AKS or Databricks compute of the workspace runs must reach its secured container registry, through a virtual network rule or a private endpoint in the same VNet, or images cannot be pulled or built.',
    remediation:
      "Give the registry an approved private endpoint in each listed subnet's VNet (or add the subnet to its network rule set), so computes can pull and build images.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      reachable: "All {{total}} compute subnet(s) reach container registry '{{name}}': {{subnets}}.",
      unreachable:
        "{{count}} of {{total}} compute subnet(s) cannot reach container registry '{{name}}': {{subnets}}. Computes there cannot pull or build images; add a private endpoint of the registry in each subnet's VNet, or add the subnet to its network rule set.",
      undetermined: "{{count}} of {{total}} compute subnet(s) of container registry '{{name}}' cannot be judged: {{subnets}}. Add the missing resources to the inventory.",
      notSecured: "Container registry '{{name}}' is not secured ({{how}}); every network reaches it.",
      unreadable: "Container registry '{{name}}' has a network rule set that cannot be read ({{how}}); the check cannot tell which subnets reach it.",
      missing: "Container registry '{{name}}' is associated with a VNet-isolated workspace but is not in the inventory; the check cannot judge it.",
      noComputeSubnet: "No cluster, instance, AKS or Databricks compute of the workspaces using container registry '{{name}}' runs in a subnet ({{roles}}).",
    },
  },
  subjects: (estate) => associatedResourceSubjects(estate, 'containerRegistryId', (id) => estate.containerRegistry(id)),
  check: (subject, estate) => checkComputeSubnetAccess(subject, estate, 'registry', ROLES),
});
