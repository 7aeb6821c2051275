import { defineRule } from '../types';
import { gateOutcome, registryGateOf, workspaceSubjects } from '../support/associated';


/** 001, "Use Azure Container Registry": with ACR behind a VNet, a compute cluster builds the images. */
export const acrImageBuildComputeRule = defineRule({
  meta: {
    id: 'acr.image-build-compute',
    title: 'Workspace with a secured registry has no cluster to build images',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Container Registry',
      quote:
        'Your Azure Machine Learning workspace must contain an Azure Machine Learning compute cluster. When ACR is behind a virtual network, Azure Machine Learning cannot use it to directly build Docker images. Instead, the compute cluster is used to build the images.',
    },
    description:
      "When the workspace's container registry is secured, Azure Machine Learning cannot build Docker images in it directly: properties.imageBuildCompute must name an existing compute cluster of the workspace.",
    remediation: "Set the workspace's image build compute to one of its compute clusters (az ml workspace update --image-build-compute <cluster>).",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      cluster: "Workspace '{{workspace}}' builds images on its compute cluster '{{compute}}' (its registry '{{name}}' is secured).",
      unset:
        "Workspace '{{workspace}}' has a secured registry '{{name}}' but no image build compute, so environment image builds fail; set imageBuildCompute to one of its clusters ({{clusters}}).",
      notFound:
        "Workspace '{{workspace}}' builds images on '{{compute}}', which is not a compute of the workspace, so image builds against the secured registry '{{name}}' fail; set imageBuildCompute to one of its clusters ({{clusters}}).",
      notCluster:
        "Workspace '{{workspace}}' builds images on '{{compute}}', a {{computeType}} compute rather than a compute cluster (AmlCompute); set imageBuildCompute to one of its clusters ({{clusters}}).",
      malformed: "Workspace '{{workspace}}' has a properties.imageBuildCompute that is not a name; the check cannot tell which compute builds images.",
      resourceMissing: "Workspace '{{workspace}}' names container registry '{{name}}', which is not in the inventory; the check cannot tell whether it is secured.",
      resourceUnreadable: "Container registry '{{name}}' of workspace '{{workspace}}' has a network rule set that cannot be read ({{how}}); the check cannot tell whether it is secured.",
      resourceNotSecured: "Container registry '{{name}}' of workspace '{{workspace}}' is not secured ({{how}}); Azure Machine Learning builds images in it directly.",
    },
  },
  subjects: (estate) => workspaceSubjects(estate, 'containerRegistryId'),
  check: ({ target: workspace }, estate) => {
    const gate = registryGateOf(estate, workspace);
    if (gate.kind !== 'secured') return gateOutcome(workspace, gate);
    const registry = gate.resource;
    const computes = estate.computesOf(workspace.id);
    const clusters = computes.filter((compute) => compute.computeType === 'AmlCompute').map((compute) => compute.name);
    const evidence = { registryId: registry.id, imageBuildCompute: workspace.imageBuildCompute ?? null, clusters };
    const data = { workspace: workspace.name, name: registry.name, clusters: clusters.length > 0 ? clusters.join(', ') : 'none: create one' };
    if (workspace.imageBuildCompute === undefined) {
      // Absent, null or "" mean unset; any other non-string is unreadable.
      if (workspace.imageBuildComputeReading.kind === 'malformed') return { status: 'unknown', messageId: 'malformed', data, evidence: { ...evidence, imageBuildComputeMalformed: true } };
      return { status: 'fail', messageId: 'unset', data, evidence };
    }
    const wanted = workspace.imageBuildCompute.trim().toLowerCase();
    const named = computes.find((compute) => compute.name.toLowerCase() === wanted);
    if (named === undefined) return { status: 'fail', messageId: 'notFound', data: { ...data, compute: workspace.imageBuildCompute }, evidence };
    if (named.computeType !== 'AmlCompute') {
      const computeType = named.computeTypeRaw ?? 'unknown';
      return { status: 'fail', messageId: 'notCluster', data: { ...data, compute: named.name, computeType }, evidence: { ...evidence, computeId: named.id, computeType } };
    }
    return { status: 'pass', messageId: 'cluster', data: { ...data, compute: named.name }, evidence: { ...evidence, computeId: named.id } };
  },
});
