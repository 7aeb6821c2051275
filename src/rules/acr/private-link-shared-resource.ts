import { idKey } from '../../core/ids';
import type { SharedPrivateLinkResource } from '../../estate';
import { defineRule } from '../types';
import { gateOutcome, registryGateOf, workspaceSubjects } from '../support/associated';


/**
 * The entry targets the registry: its ID, or (as the source document's template writes it) one of its private
 * link resources, "<registry ID>/privateLinkResources/registry". Case-insensitive.
 */
function targetsRegistry(entry: SharedPrivateLinkResource, registryId: string): boolean {
  if (entry.privateLinkResourceId === undefined || entry.groupId?.trim().toLowerCase() !== 'registry') return false;
  const target = idKey(entry.privateLinkResourceId);
  const registry = idKey(registryId);
  return target === registry || target.startsWith(`${registry}/privatelinkresources/`);
}

function entryEvidence(entry: SharedPrivateLinkResource): { [key: string]: string | null } {
  return {
    name: entry.name ?? null,
    groupId: entry.groupId ?? null,
    privateLinkResourceId: entry.privateLinkResourceId ?? null,
    status: entry.status ?? null,
  };
}

/** 001, "Use Azure Container Registry": a private-link workspace reaches a secured ACR through a shared private link resource. */
export const acrPrivateLinkSharedResourceRule = defineRule({
  meta: {
    id: 'acr.private-link-shared-resource',
    title: 'Private-link workspace has no shared private link to its secured registry',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Use Azure Container Registry',
      quote:
        'If you are using Private Link for your Azure Machine Learning workspace, and put the Azure Container Registry for your workspace in a virtual network, you must also apply the following Azure Resource Manager template. This template enables your workspace to communicate with ACR over the Private Link.',
    },
    description:
      "A private-link workspace whose container registry is secured must carry a sharedPrivateLinkResources entry with groupId 'registry' for that registry, approved, or it cannot talk to the registry.",
    remediation:
      "Add a shared private link resource (groupId 'registry', privateLinkResourceId '<registry ID>/privateLinkResources/registry') to the workspace, then approve the pending connection on the registry.",
    enabledByDefault: true,
    guidance: {
      status: 'superseded',
      note: "A private-link workspace reaches its registry through the registry's own private endpoint in the virtual network; the guidance no longer asks for a shared private link resource.",
      page: { title: 'Secure an Azure Machine Learning workspace with virtual networks', url: 'https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet' },
    },
    messages: {
      approved: "Private-link workspace '{{workspace}}' reaches its secured registry '{{name}}' through the approved shared private link resource '{{entry}}'.",
      absent:
        "Private-link workspace '{{workspace}}' has no shared private link resource with groupId 'registry' for its secured registry '{{name}}', so it cannot communicate with the registry; apply the source document's template (sharedPrivateLinkResources) and approve the connection on the registry.",
      notApproved:
        "Private-link workspace '{{workspace}}' has a shared private link resource to its secured registry '{{name}}', but its status is {{status}}, not Approved; approve the private endpoint connection on the registry.",
      statusUnknown: "Private-link workspace '{{workspace}}' has a shared private link resource to its secured registry '{{name}}' with no readable status; the check cannot tell whether it is approved.",
      notPrivateLink: "Workspace '{{workspace}}' has no approved private endpoint (it is not a private-link workspace); it needs no shared private link resource to its registry.",
      resourceMissing: "Private-link workspace '{{workspace}}' names container registry '{{name}}', which is not in the inventory; the check cannot tell whether it is secured.",
      resourceUnreadable: "Container registry '{{name}}' of private-link workspace '{{workspace}}' has a network rule set that cannot be read ({{how}}); the check cannot tell whether it is secured.",
      resourceNotSecured: "Container registry '{{name}}' of private-link workspace '{{workspace}}' is not secured ({{how}}); the workspace reaches it without a shared private link resource.",
    },
  },
  subjects: (estate) => workspaceSubjects(estate, 'containerRegistryId'),
  check: ({ target: workspace }, estate) => {
    if (!workspace.privateLink) {
      return { status: 'not-applicable', messageId: 'notPrivateLink', data: { workspace: workspace.name }, evidence: { privateLink: false } };
    }
    const gate = registryGateOf(estate, workspace);
    if (gate.kind !== 'secured') return gateOutcome(workspace, gate);
    const registry = gate.resource;
    const entries = workspace.sharedPrivateLinkResources.filter((entry) => targetsRegistry(entry, registry.id));
    const evidence = {
      registryId: registry.id,
      privateLink: true,
      registryEntries: entries.map(entryEvidence),
      sharedPrivateLinkResources: workspace.sharedPrivateLinkResources.map(entryEvidence),
    };
    const data = { workspace: workspace.name, name: registry.name };
    if (entries.length === 0) return { status: 'fail', messageId: 'absent', data, evidence };
    const approved = entries.find((entry) => entry.status?.trim().toLowerCase() === 'approved');
    if (approved !== undefined) return { status: 'pass', messageId: 'approved', data: { ...data, entry: approved.name ?? approved.privateLinkResourceId ?? '' }, evidence };
    const statuses = entries.map((entry) => entry.status).filter((status): status is string => status !== undefined);
    if (statuses.length === 0) return { status: 'unknown', messageId: 'statusUnknown', data, evidence };
    return { status: 'fail', messageId: 'notApproved', data: { ...data, status: statuses.join(', ') }, evidence };
  },
});
