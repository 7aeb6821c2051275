import { nameOf } from '../../core/ids';
import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import { placementOf } from '../support/attached';
import { clusterAndInstanceSubjects } from '../support/subjects';

/**
 * Today's guidance, where compute.vnet-location asked for the workspace's subscription and region
 * alike: the VNet must still be in the workspace's subscription, and a compute instance in its
 * region, but a compute cluster may run in a VNet of another region (peered, or with a private
 * endpoint of the workspace there; dns.workspace-zones-linked judges its name resolution).
 */
export const computeVnetPlacementRule = defineRule({
  meta: {
    id: 'compute.vnet-placement',
    title: "Compute VNet is outside the workspace's subscription, or an instance's outside its region",
    severity: 'high',
    source: {
      document: 'current',
      page: CURRENT_PAGES.trainingVnet,
      section: 'Prerequisites',
      quote:
        "An existing virtual network and subnet to use with your compute resources. This VNet must be in the same subscription as your Azure Machine Learning workspace. […] You can't create a *compute instance* in a different region/VNet, only a *compute cluster*.",
    },
    description:
      "A compute cluster or instance runs in a VNet of its workspace's subscription; a compute instance also in the workspace's region. A cluster may run in a VNet of another region.",
    remediation: "Recreate the compute in a subnet of a VNet in the workspace's subscription (and, for an instance, its region); a compute's subnet cannot be changed.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      placed: "Compute '{{name}}' runs in VNet '{{vnet}}' of the workspace's subscription{{where}}.",
      otherSubscription:
        "Compute '{{name}}' runs in VNet '{{vnet}}' of subscription {{vnetSubscription}}, not the subscription of workspace '{{workspace}}' ({{workspaceSubscription}}): it cannot be created there; recreate it in a VNet of the workspace's subscription.",
      instanceOtherRegion:
        "Compute instance '{{name}}' runs in VNet '{{vnet}}' of region {{vnetRegion}}, not the region of workspace '{{workspace}}' ({{workspaceRegion}}): only a compute cluster may run in another region; recreate the instance in a VNet of the workspace's region.",
      regionUnknown: "Compute instance '{{name}}' runs in VNet '{{vnet}}' of the workspace's subscription, but its region cannot be compared: {{reason}}.",
      unreadableSubnet: "Compute '{{name}}' names subnet '{{subnet}}', whose ID does not name a VNet and subscription; the check cannot place it.",
    },
  },
  subjects: (estate) => clusterAndInstanceSubjects(estate),
  check: ({ target: compute }, estate) => {
    const placement = placementOf(estate, compute);
    if (placement.kind === 'unreadable') {
      return { status: 'unknown', messageId: 'unreadableSubnet', data: { name: compute.name, subnet: placement.subnetId }, evidence: { subnetId: placement.subnetId } };
    }
    const { subnetId, vnetId, vnetSubscription, vnet, workspace, workspaceSubscription } = placement;
    const evidence = {
      subnetId,
      vnetId,
      workspaceId: compute.workspaceId,
      vnetSubscriptionId: vnetSubscription,
      workspaceSubscriptionId: workspaceSubscription ?? null,
      vnetRegion: vnet?.location ?? null,
      workspaceRegion: workspace?.location ?? null,
    };
    const base = { name: compute.name, vnet: nameOf(vnetId), workspace: nameOf(compute.workspaceId) };
    if (workspaceSubscription !== undefined && workspaceSubscription !== vnetSubscription) {
      return { status: 'fail', messageId: 'otherSubscription', data: { ...base, vnetSubscription, workspaceSubscription }, evidence };
    }
    if (compute.computeType === 'AmlCompute') return { status: 'pass', messageId: 'placed', data: { ...base, where: ' (a cluster may run in any region)' }, evidence };
    if (vnet?.location === undefined || workspace?.location === undefined) {
      const reason = vnet === undefined ? 'the VNet is not in the inventory' : vnet.location === undefined ? 'the VNet row has no location' : workspace === undefined ? 'the workspace is not in the inventory' : 'the workspace row has no location';
      return { status: 'unknown', messageId: 'regionUnknown', data: { name: compute.name, vnet: base.vnet, reason }, evidence };
    }
    if (vnet.location !== workspace.location) {
      return { status: 'fail', messageId: 'instanceOtherRegion', data: { ...base, vnetRegion: vnet.location, workspaceRegion: workspace.location }, evidence };
    }
    return { status: 'pass', messageId: 'placed', data: { ...base, where: ` and region (${vnet.location})` }, evidence };
  },
});
