import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import { CLUSTER_OR_INSTANCE, subnetLabel, subnetSubjects } from '../support/compute-subnets';

/** Today's guidance, prerequisites of clusters, instances and serverless compute in a VNet. */
export const computeSubnetNotDelegatedRule = defineRule({
  meta: {
    id: 'compute.subnet-not-delegated',
    title: 'Compute subnet is delegated to another Azure service',
    severity: 'high',
    source: {
      document: 'current',
      page: CURRENT_PAGES.trainingVnet,
      section: 'Prerequisites',
      quote: "An existing subnet in the virtual network. This subnet is used when creating compute instances, clusters, and nodes for serverless compute. Make sure that the subnet isn't delegated to other Azure services.",
    },
    description: 'The subnet of a compute cluster or instance, or of serverless compute, must not be delegated to another Azure service (Azure Container Instances, a web app, a database…): Azure Machine Learning cannot place its nodes there.',
    remediation: 'Give the computes a subnet of their own without delegations, or remove the delegation if nothing uses it.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      notDelegated: "Subnet '{{name}}' of clusters or instances is not delegated to any service.",
      delegated: "Subnet '{{name}}' of clusters or instances is delegated to {{delegations}}: Azure Machine Learning cannot create nodes there, so compute creation and scale-out fail; use a subnet without delegations.",
      missingSubnet: "Subnet '{{name}}' hosts clusters or instances but is not in the inventory; its delegations cannot be judged.",
    },
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }) => {
    const name = subnetLabel(target.subnetId);
    const subnet = target.subnet;
    if (subnet === undefined) return { status: 'unknown', messageId: 'missingSubnet', data: { name }, evidence: { missingResourceId: target.subnetId } };
    const evidence = { subnetId: subnet.id, delegations: [...subnet.delegations] };
    if (subnet.delegations.length > 0) return { status: 'fail', messageId: 'delegated', data: { name, delegations: subnet.delegations.join(', ') }, evidence };
    return { status: 'pass', messageId: 'notDelegated', data: { name }, evidence };
  },
});
