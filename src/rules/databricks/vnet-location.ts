import { nameOf, subscriptionOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import { defineRule } from '../types';
import { attachedResourceSubjects, missingAttached } from '../support/attached';


/** 001 "Use Azure Databricks": the virtual network must be in the workspace's subscription and region. */
export const databricksVnetLocationRule = defineRule({
  meta: {
    id: 'databricks.vnet-location',
    title: 'Databricks VNet is in another subscription or region than the Azure ML workspace',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Databricks',
      quote: 'The virtual network must be in the same subscription and region as the Azure Machine Learning workspace.',
    },
    description: 'The VNet an attached Azure Databricks workspace is injected into must be in the subscription and region of every Azure ML workspace that uses it.',
    remediation: "Deploy the Databricks workspace into a VNet in the Azure ML workspace's subscription and region (VNet injection is chosen at creation: recreate it), then attach it again.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      same: "Databricks workspace '{{name}}' runs in VNet '{{vnet}}', in the subscription and region ({{region}}) of the Azure ML workspaces that use it.",
      elsewhere:
        "Databricks workspace '{{name}}' runs in VNet '{{vnet}}' ({{vnetPlace}}) but {{others}}; deploy it into a VNet in the Azure ML workspace's subscription and region.",
      unknownPlace: "Databricks workspace '{{name}}' runs in VNet '{{vnet}}', but its place cannot be compared with the Azure ML workspace: {{reason}}.",
      noVnet: "Databricks workspace '{{name}}' is not injected into a VNet of yours (no customVirtualNetworkId), so there is no VNet to place.",
      missing: "Databricks workspace '{{name}}' is attached to an Azure ML workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: (estate) => attachedResourceSubjects(estate, 'Databricks', (id) => estate.databricksWorkspace(id)),
  check: ({ target, workspaceIds }, estate) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const databricks = target.resource;
    const vnetId = databricks.vnetId;
    if (vnetId === undefined) return { status: 'not-applicable', messageId: 'noVnet', data: { name: databricks.name }, evidence: { vnetId: null } };
    const vnetSubscription = subscriptionOf(vnetId);
    const vnet = estate.virtualNetwork(vnetId);
    const vnetRegion = vnet?.location;
    const mismatches: { [key: string]: JsonValue }[] = [];
    const others: string[] = [];
    const reasons: string[] = [];
    if (vnetSubscription === undefined) reasons.push(`the VNet ID '${vnetId.slice(0, 200)}' names no subscription`);
    if (vnet === undefined) reasons.push('the VNet is not in the inventory, so its region is unknown');
    else if (vnetRegion === undefined) reasons.push('the VNet row has no location');
    const workspaces: { [key: string]: JsonValue }[] = [];
    for (const workspaceId of workspaceIds) {
      const workspace = estate.workspace(workspaceId);
      const subscription = workspace?.subscriptionId ?? subscriptionOf(workspaceId);
      const region = workspace?.location;
      workspaces.push({ workspaceId, subscriptionId: subscription ?? null, region: region ?? null });
      const differs: string[] = [];
      if (subscription !== undefined && vnetSubscription !== undefined && subscription !== vnetSubscription) differs.push('subscription');
      if (region !== undefined && vnetRegion !== undefined && region !== vnetRegion) differs.push('region');
      if (differs.length > 0) {
        mismatches.push({ workspaceId, differs });
        const place = [differs.includes('subscription') ? `subscription ${subscription}` : undefined, differs.includes('region') ? `region ${region}` : undefined];
        others.push(`Azure ML workspace '${nameOf(workspaceId)}' is in ${place.filter((text): text is string => text !== undefined).join(', ')}`);
      }
      if (workspace === undefined) reasons.push(`Azure ML workspace '${nameOf(workspaceId)}' is not in the inventory`);
      else if (region === undefined) reasons.push(`Azure ML workspace '${nameOf(workspaceId)}' has no location`);
    }
    const evidence = { vnetId, vnetSubscriptionId: vnetSubscription ?? null, vnetRegion: vnetRegion ?? null, workspaces, mismatches };
    const vnetName = nameOf(vnetId);
    if (mismatches.length > 0) {
      return {
        status: 'fail',
        messageId: 'elsewhere',
        data: { name: databricks.name, vnet: vnetName, vnetPlace: `subscription ${vnetSubscription ?? 'unknown'}, region ${vnetRegion ?? 'not in the inventory'}`, others: others.join('; ') },
        evidence,
      };
    }
    if (reasons.length > 0) return { status: 'unknown', messageId: 'unknownPlace', data: { name: databricks.name, vnet: vnetName, reason: reasons.join('; ') }, evidence: { ...evidence, reasons } };
    return { status: 'pass', messageId: 'same', data: { name: databricks.name, vnet: vnetName, region: vnetRegion ?? '' }, evidence };
  },
});
