import { nameOf } from '../../core/ids';
import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import { placementOf } from '../support/attached';
import { clusterAndInstanceSubjects } from '../support/subjects';

/** 001, "Use a Machine Learning Compute": the VNet must be in the workspace's subscription and region. */
export const computeVnetLocationRule = defineRule({
  meta: {
    id: 'compute.vnet-location',
    title: 'Compute VNet is in another subscription or region than the workspace',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use a Machine Learning Compute',
      quote: 'The virtual network must be in the same subscription and region as the Azure Machine Learning workspace.',
    },
    description: 'A compute cluster or instance can only be created in a virtual network of the same subscription and region as its workspace.',
    remediation: "Create the compute in a subnet of a virtual network in the workspace's subscription and region (a compute's subnet cannot be changed: recreate it).",
    enabledByDefault: true,
    guidance: {
      status: 'superseded',
      note: "A compute cluster may now run in a VNet of another region than its workspace (peered, or with a workspace private endpoint there); compute.vnet-placement checks what still holds.",
      page: CURRENT_PAGES.trainingVnet,
    },
    messages: {
      same: "Compute '{{name}}' runs in VNet '{{vnet}}', in the workspace's subscription and region ({{region}}).",
      elsewhere:
        "Compute '{{name}}' runs in VNet '{{vnet}}', whose {{differences}}; recreate the compute in a subnet of a VNet in the subscription and region of workspace '{{workspace}}'.",
      unknownRegion: "Compute '{{name}}' runs in VNet '{{vnet}}' of the workspace's subscription, but its region cannot be compared: {{reason}}.",
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
    const vnetRegion = vnet?.location;
    const workspaceRegion = workspace?.location;
    const mismatches: string[] = [];
    if (workspaceSubscription !== undefined && workspaceSubscription !== vnetSubscription) mismatches.push('subscription');
    if (vnetRegion !== undefined && workspaceRegion !== undefined && vnetRegion !== workspaceRegion) mismatches.push('region');
    const evidence = {
      subnetId,
      vnetId,
      workspaceId: compute.workspaceId,
      vnetSubscriptionId: vnetSubscription,
      workspaceSubscriptionId: workspaceSubscription ?? null,
      vnetRegion: vnetRegion ?? null,
      workspaceRegion: workspaceRegion ?? null,
      mismatches,
    };
    const vnetName = nameOf(vnetId);
    if (mismatches.length > 0) {
      return {
        status: 'fail',
        messageId: 'elsewhere',
        data: {
          name: compute.name,
          vnet: vnetName,
          differences: [
            mismatches.includes('subscription') ? `subscription ${vnetSubscription} is not the workspace's (${workspaceSubscription ?? 'unknown'})` : undefined,
            mismatches.includes('region') ? `region ${vnetRegion ?? 'unknown'} is not the workspace's (${workspaceRegion ?? 'unknown'})` : undefined,
          ]
            .filter((text): text is string => text !== undefined)
            .join(' and '),
          workspace: nameOf(compute.workspaceId),
        },
        evidence,
      };
    }
    const reason =
      workspaceSubscription === undefined
        ? "the workspace ID names no subscription"
        : vnet === undefined
          ? 'the VNet is not in the inventory'
          : vnetRegion === undefined
            ? 'the VNet row has no location'
            : workspace === undefined
              ? 'the workspace is not in the inventory'
              : workspaceRegion === undefined
                ? 'the workspace row has no location'
                : undefined;
    if (reason !== undefined) {
      return { status: 'unknown', messageId: 'unknownRegion', data: { name: compute.name, vnet: vnetName, reason }, evidence: { ...evidence, reason } };
    }
    return { status: 'pass', messageId: 'same', data: { name: compute.name, vnet: vnetName, region: vnetRegion ?? '' }, evidence };
  },
});
