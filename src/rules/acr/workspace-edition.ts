import { defineRule } from '../types';
import { gateOutcome, registryGateOf, workspaceSubjects } from '../support/associated';


/**
 * 001, "Use Azure Container Registry": the workspace must be Enterprise edition. Editions were
 * retired after the source documents (docs/rules.md): off by default, run it with --rules.
 */
export const acrWorkspaceEditionRule = defineRule({
  meta: {
    id: 'acr.workspace-edition',
    title: 'Workspace with a secured registry is Basic edition',
    severity: 'info',
    source: {
      document: '001',
      section: 'Use Azure Container Registry',
      quote: 'Azure Container Registry (ACR) can be put inside a virtual network, however you must meet the following prerequisites: Your Azure Machine Learning workspace must be Enterprise edition.',
    },
    description:
      'The source document required an Enterprise edition workspace to put its container registry in a virtual network; editions have since been retired, so this advice rule is off by default.',
    remediation: 'Editions no longer exist in current Azure Machine Learning; if your cloud still offers them, upgrade the workspace to Enterprise.',
    enabledByDefault: false,
    guidance: {
      status: 'superseded',
      note: 'Azure Machine Learning retired its Basic and Enterprise editions: every workspace has every feature, whatever its SKU.',
      page: { title: 'Manage Azure Machine Learning workspaces', url: 'https://learn.microsoft.com/azure/machine-learning/how-to-manage-workspace' },
    },
    messages: {
      enterprise: "Workspace '{{workspace}}' is {{edition}} edition; its secured registry '{{name}}' meets the source document's edition prerequisite.",
      basic:
        "Workspace '{{workspace}}' is {{edition}} edition but its registry '{{name}}' is secured; the source document required Enterprise edition for a registry in a virtual network (editions were later retired: check whether your cloud still has them).",
      unknownEdition: "Workspace '{{workspace}}' has no readable sku (edition); the check cannot tell its edition.",
      resourceMissing: "Workspace '{{workspace}}' names container registry '{{name}}', which is not in the inventory; the check cannot tell whether it is secured.",
      resourceUnreadable: "Container registry '{{name}}' of workspace '{{workspace}}' has a network rule set that cannot be read ({{how}}); the check cannot tell whether it is secured.",
      resourceNotSecured: "Container registry '{{name}}' of workspace '{{workspace}}' is not secured ({{how}}); the edition prerequisite does not apply.",
    },
  },
  subjects: (estate) => workspaceSubjects(estate, 'containerRegistryId'),
  check: ({ target: workspace }, estate) => {
    const gate = registryGateOf(estate, workspace);
    if (gate.kind !== 'secured') return gateOutcome(workspace, gate);
    const registry = gate.resource;
    const evidence = { registryId: registry.id, edition: workspace.edition ?? null };
    const data = { workspace: workspace.name, name: registry.name, edition: workspace.edition ?? '' };
    if (workspace.edition === undefined) return { status: 'unknown', messageId: 'unknownEdition', data, evidence };
    return workspace.edition.trim().toLowerCase() === 'basic'
      ? { status: 'fail', messageId: 'basic', data, evidence }
      : { status: 'pass', messageId: 'enterprise', data, evidence };
  },
});
