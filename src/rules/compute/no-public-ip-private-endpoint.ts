import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import type { RuleSubject } from '../types';
import { clusterAndInstanceSubjects } from '../support/subjects';

/**
 * Today's guidance: a cluster or instance with no public IP (and serverless compute configured so)
 * talks to the Azure Machine Learning service only through a private endpoint of its workspace.
 */
export const computeNoPublicIpPrivateEndpointRule = defineRule({
  meta: {
    id: 'compute.no-public-ip-private-endpoint',
    title: 'Compute without a public IP in a workspace without a private endpoint',
    severity: 'high',
    source: {
      document: 'current',
      page: CURRENT_PAGES.trainingVnet,
      section: 'Compute instance/cluster or serverless compute with no public IP',
      quote: 'You must use a workspace private endpoint for the compute resource to communicate with Azure Machine Learning services from the VNet.',
    },
    description:
      'A compute cluster or instance created without a public IP, and serverless compute configured with no public IP, reach the Azure Machine Learning service only through a private endpoint of the workspace; without one they cannot be created or run jobs.',
    remediation: 'Add a private endpoint for the workspace (sub-resource amlworkspace) in the compute VNet, or one peered with it, with its private DNS zones linked.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      privateEndpoint: "{{what}} '{{name}}' has no public IP, and workspace '{{workspace}}' has an approved private endpoint ({{endpoints}}).",
      noPrivateEndpoint:
        "{{what}} '{{name}}' has no public IP, but workspace '{{workspace}}' has no approved private endpoint: the compute cannot reach the Azure Machine Learning service, so creating it or running jobs on it fails; add a private endpoint for the workspace in the compute's VNet.",
      missingWorkspace: "{{what}} '{{name}}' has no public IP; its workspace is not in the inventory, so whether it has a private endpoint cannot be judged.",
    },
  },
  subjects: (estate) => {
    const subjects: RuleSubject<{ readonly what: string; readonly name: string; readonly workspaceId: string }>[] = [];
    for (const { resourceId, workspaceIds, target: compute } of clusterAndInstanceSubjects(estate, (candidate) => candidate.enableNodePublicIp === false)) {
      subjects.push({ resourceId, workspaceIds, target: { what: compute.computeType === 'AmlCompute' ? 'Compute cluster' : 'Compute instance', name: compute.name, workspaceId: compute.workspaceId } });
    }
    for (const workspace of estate.workspaces) {
      // Serverless compute is a setting of the workspace: the workspace is the subject.
      if (workspace.serverlessCompute?.subnetId !== undefined && workspace.serverlessCompute.noPublicIp === true) {
        subjects.push({ resourceId: workspace.id, workspaceIds: [workspace.id], target: { what: 'Serverless compute of workspace', name: workspace.name, workspaceId: workspace.id } });
      }
    }
    return subjects;
  },
  check: ({ target }, estate) => {
    const workspace = estate.workspace(target.workspaceId);
    const data = { what: target.what, name: target.name };
    if (workspace === undefined) return { status: 'unknown', messageId: 'missingWorkspace', data, evidence: { missingResourceId: target.workspaceId } };
    const approved = workspace.privateEndpointConnections.filter((connection) => connection.status?.toLowerCase() === 'approved' && connection.privateEndpointId !== undefined);
    const evidence = { workspaceId: workspace.id, approvedPrivateEndpointIds: approved.map((connection) => connection.privateEndpointId ?? '') };
    if (approved.length === 0) return { status: 'fail', messageId: 'noPrivateEndpoint', data: { ...data, workspace: workspace.name }, evidence };
    return { status: 'pass', messageId: 'privateEndpoint', data: { ...data, workspace: workspace.name, endpoints: approved.map((connection) => (connection.privateEndpointId ?? '').split('/').pop() ?? '').join(', ') }, evidence };
  },
});
