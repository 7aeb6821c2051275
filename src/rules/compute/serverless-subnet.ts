import { nameOf, subscriptionOf } from '../../core/ids';
import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import type { RuleSubject } from '../types';
import { vnetIdOfSubnet } from '../support/attached';
import type { Workspace } from '../../estate';

/**
 * Today's guidance: serverless compute in the customer's VNet (the workspace's
 * serverlessComputeSettings) runs in a subnet with the prerequisites of clusters and instances.
 */
export const computeServerlessSubnetRule = defineRule({
  meta: {
    id: 'compute.serverless-subnet',
    title: "Serverless compute's subnet cannot host it",
    severity: 'high',
    source: {
      document: 'current',
      page: CURRENT_PAGES.trainingVnet,
      section: 'Prerequisites',
      quote:
        "An existing virtual network and subnet to use with your compute resources. This VNet must be in the same subscription as your Azure Machine Learning workspace. […] This subnet is used when creating compute instances, clusters, and nodes for serverless compute. Make sure that the subnet isn't delegated to other Azure services.",
    },
    description:
      "The subnet a workspace names for serverless compute (serverlessComputeSettings.serverlessComputeCustomSubnet) must exist, be in a VNet of the workspace's subscription and not be delegated to another Azure service.",
    remediation: "Point serverlessComputeSettings at an existing, undelegated subnet of a VNet in the workspace's subscription (az ml workspace update with serverless_compute.custom_subnet).",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      ready: "Serverless compute of workspace '{{name}}' runs in subnet '{{subnet}}', undelegated, in the workspace's subscription.",
      delegated: "Serverless compute of workspace '{{name}}' runs in subnet '{{subnet}}', which is delegated to {{delegations}}: its nodes cannot be placed there, so serverless jobs fail; choose a subnet without delegations.",
      otherSubscription:
        "Serverless compute of workspace '{{name}}' names subnet '{{subnet}}' in subscription {{vnetSubscription}}, not the workspace's ({{workspaceSubscription}}): serverless jobs cannot run there; choose a subnet in the workspace's subscription.",
      missingSubnet: "Serverless compute of workspace '{{name}}' names subnet '{{subnet}}', which is not in the inventory; it cannot be judged (if it was deleted, serverless jobs fail).",
    },
  },
  subjects: (estate) => {
    const subjects: RuleSubject<Workspace>[] = [];
    for (const workspace of estate.workspaces) if (workspace.serverlessCompute?.subnetId !== undefined) subjects.push({ resourceId: workspace.id, workspaceIds: [workspace.id], target: workspace });
    return subjects;
  },
  check: ({ target: workspace }, estate) => {
    const subnetId = workspace.serverlessCompute?.subnetId ?? '';
    const label = `${nameOf(vnetIdOfSubnet(estate, subnetId) ?? '')}/${nameOf(subnetId)}`;
    const vnetSubscription = subscriptionOf(subnetId);
    const workspaceSubscription = workspace.subscriptionId;
    const evidence = { subnetId, vnetSubscriptionId: vnetSubscription ?? null, workspaceSubscriptionId: workspaceSubscription ?? null };
    if (vnetSubscription !== undefined && workspaceSubscription !== undefined && vnetSubscription !== workspaceSubscription) {
      return { status: 'fail', messageId: 'otherSubscription', data: { name: workspace.name, subnet: label, vnetSubscription, workspaceSubscription }, evidence };
    }
    const subnet = estate.subnet(subnetId);
    if (subnet === undefined) return { status: 'unknown', messageId: 'missingSubnet', data: { name: workspace.name, subnet: label }, evidence: { ...evidence, missingResourceId: subnetId } };
    if (subnet.delegations.length > 0) return { status: 'fail', messageId: 'delegated', data: { name: workspace.name, subnet: label, delegations: subnet.delegations.join(', ') }, evidence: { ...evidence, delegations: [...subnet.delegations] } };
    return { status: 'pass', messageId: 'ready', data: { name: workspace.name, subnet: label }, evidence: { ...evidence, delegations: [] } };
  },
});
