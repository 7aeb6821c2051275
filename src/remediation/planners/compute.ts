import { createHash } from 'node:crypto';
import { nameOf, resourceGroupOf } from '../../core/ids';
import { reachabilityOf } from '../../rules/support/reachability';
import { apiVersionFor, names, propertiesOf, shellWord, valueAt } from '../arm';
import type { Draft, Planner } from './draft';
import { manual, rowOf } from './draft';
import { subnetPut } from './subnet-writes';

/** Workspace and compute settings: the image build compute, ACI delegation, the AKS identity's grant. */

/** acr.image-build-compute: name an existing cluster whose subnet reaches the secured registry. */
const imageBuildCompute: Planner = {
  ruleIds: ['acr.image-build-compute'],
  plan(finding, { estate }) {
    const workspace = estate.workspace(finding.resourceId);
    const registry = workspace?.containerRegistryId !== undefined ? estate.containerRegistry(workspace.containerRegistryId) : undefined;
    if (workspace === undefined || registry === undefined) return [];
    const reach = reachabilityOf(estate, registry, 'registry');
    const clusters = estate.computesOf(workspace.id).filter((compute) => compute.computeType === 'AmlCompute');
    const reaching = clusters.filter((cluster) => cluster.subnetId !== undefined && reach.fromSubnet(cluster.subnetId).verdict === 'reachable');
    const apiVersion = apiVersionFor(workspace.id);
    const before = valueAt(workspace.raw, 'properties.imageBuildCompute');
    const group = names(workspace.id).group;
    const drafts: Draft[] = reaching.map((cluster) => ({
      mode: 'auto',
      summary: `Build the images of workspace '${workspace.name}' on its cluster '${cluster.name}' (subnet '${nameOf(cluster.subnetId ?? '')}' reaches registry '${registry.name}').`,
      risk: `Environment image builds run on '${cluster.name}': they use its nodes (and may scale it up from zero); nothing is opened on the network.`,
      operations: [
        {
          method: 'PATCH',
          id: workspace.id,
          apiVersion,
          body: { properties: { imageBuildCompute: cluster.name } },
          precondition: { readId: workspace.id, apiVersion, values: { 'properties.imageBuildCompute': before } },
          description: `set the image build compute of workspace '${workspace.name}' to '${cluster.name}'`,
        },
      ],
      az: [`az ml workspace update --resource-group ${shellWord(group)} --name ${shellWord(workspace.name)} --image-build-compute ${shellWord(cluster.name)}`],
      rollback: [
        {
          method: 'PATCH',
          id: workspace.id,
          apiVersion,
          // "" is how a workspace says "no image build compute".
          body: { properties: { imageBuildCompute: typeof before === 'string' ? before : '' } },
          precondition: { readId: workspace.id, apiVersion, values: { 'properties.imageBuildCompute': cluster.name } },
          description: `restore the image build compute of workspace '${workspace.name}'`,
        },
      ],
    }));
    if (drafts.length > 0) return drafts;
    return [
      manual(`no compute cluster of workspace '${workspace.name}' runs in a subnet that reaches registry '${registry.name}'`, {
        summary: `Create a compute cluster in a subnet that reaches registry '${registry.name}' (set VNET_NAME and SUBNET_NAME to it) and make it the image build compute of '${workspace.name}'.`,
        risk: 'A new cluster costs only while it has nodes (set its minimum to 0).',
        operations: [],
        az: [
          `az ml compute create --resource-group ${shellWord(group)} --workspace-name ${shellWord(workspace.name)} --name image-builder --type AmlCompute --min-instances 0 --max-instances 1 --vnet-name "$VNET_NAME" --subnet "$SUBNET_NAME"`,
          `az ml workspace update --resource-group ${shellWord(group)} --name ${shellWord(workspace.name)} --image-build-compute image-builder`,
        ],
        rollback: [],
      }),
    ];
  },
};

const ACI = 'Microsoft.ContainerInstance/containerGroups';

/** aci.subnet-delegation: delegate the subnet, automatically only while nothing else lives in it (Azure refuses otherwise). */
const aciDelegation: Planner = {
  ruleIds: ['aci.subnet-delegation'],
  plan(finding, { estate }) {
    const subnetId = finding.resourceId;
    const properties = propertiesOf(rowOf(estate, subnetId));
    const inUse = ['ipConfigurations', 'privateEndpoints', 'serviceAssociationLinks'].some((key) => Array.isArray(properties[key]) && (properties[key]).length > 0);
    const { group, parent, name } = names(subnetId);
    const az = `az network vnet subnet update --resource-group ${shellWord(group)} --vnet-name ${shellWord(parent)} --name ${shellWord(name)} --delegations ${ACI}`;
    const write = subnetPut(
      estate,
      subnetId,
      (body) => ({ ...body, delegations: [...(Array.isArray(body.delegations) ? body.delegations : []), { name: 'aci-delegation', properties: { serviceName: ACI } }] }),
      `delegate subnet '${parent}/${name}' to ${ACI}`,
      az,
    );
    if (write === undefined) return [];
    const draft = {
      summary: `Delegate subnet '${parent}/${name}' to ${ACI}, so Azure Machine Learning can deploy container instances in it.`,
      risk: `A delegated subnet holds only container groups: nothing else can be deployed in '${name}' afterwards.`,
      operations: [write.operation],
      az: [write.az],
      rollback: [write.rollback],
    };
    // Container groups are the subnet's intended tenants; anything else in it, or another delegation, blocks the delegation.
    if (inUse || (estate.subnet(subnetId)?.delegations.length ?? 0) > 0) {
      return [manual(`subnet '${name}' already holds resources or another delegation: delegating it needs them moved out first`, draft)];
    }
    return [{ mode: 'auto', ...draft }];
  },
};

const NETWORK_CONTRIBUTOR = '4d97b98b-1d4f-4787-a291-c67834d212e7';

/** A role assignment's name is a GUID: derived from what it grants, so planning twice writes the same one. */
function assignmentName(scope: string, principalId: string): string {
  const hex = createHash('sha256').update(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${NETWORK_CONTRIBUTOR}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** aks.internal-lb-network-contributor: a grant of a role is a person's decision (never applied automatically). */
const aksNetworkContributor: Planner = {
  ruleIds: ['aks.internal-lb-network-contributor'],
  plan(finding) {
    const principals = Array.isArray(finding.evidence.principalIds) ? finding.evidence.principalIds.filter((id): id is string => typeof id === 'string') : [];
    const vnetIds = Array.isArray(finding.evidence.vnetIds) ? finding.evidence.vnetIds.filter((id): id is string => typeof id === 'string') : [];
    if (principals.length === 0 || vnetIds.length === 0) return [];
    const operations = principals.flatMap((principalId) =>
      vnetIds.map((vnetId) => {
        const subscription = names(vnetId).subscription;
        const scope = `/subscriptions/${subscription}/resourceGroups/${names(vnetId).group}`;
        const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${assignmentName(scope, principalId)}`;
        const apiVersion = apiVersionFor(id);
        return {
          method: 'PUT' as const,
          id,
          apiVersion,
          body: { properties: { roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`, principalId, principalType: 'ServicePrincipal' } },
          precondition: { readId: id, apiVersion, values: { properties: null } },
          description: `grant Network Contributor on resource group '${resourceGroupOf(vnetId) ?? ''}' to principal ${principalId}`,
        };
      }),
    );
    return [
      manual('granting a role is an access decision for a person, and a role assignment cannot be undone by a write (only deleted)', {
        summary: `Grant the AKS cluster's identity Network Contributor on the resource group of VNet ${vnetIds.map(nameOf).join(', ')}.`,
        risk: 'Widens: the identity may change every network resource of the resource group (not only the VNet); scope it to the VNet itself if your policy prefers.',
        operations,
        az: principals.flatMap((principalId) => vnetIds.map((vnetId) => `az role assignment create --assignee-object-id ${shellWord(principalId)} --assignee-principal-type ServicePrincipal --role 'Network Contributor' --scope /subscriptions/${names(vnetId).subscription}/resourceGroups/${shellWord(names(vnetId).group)}`)),
        rollback: [],
      }),
    ];
  },
};

export const computePlanners: readonly Planner[] = [imageBuildCompute, aciDelegation, aksNetworkContributor];
