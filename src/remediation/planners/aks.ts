import { idKey, nameOf } from '../../core/ids';
import type { Finding } from '../../core/types';
import type { AksCluster, Estate } from '../../estate';
import { cidrsOverlap } from '../../network';
import { aksPlacementOf } from '../../rules/support/attached';
import { names, shellWord } from '../arm';
import type { Draft, Planner } from './draft';
import { manual } from './draft';

/**
 * AKS network settings are fixed when a cluster is created: the fix is a new cluster, made with
 * settings that fit the VNet, attached to the workspace in place of the old one. Never automatic
 * (models must be redeployed); the plan names concrete, free ranges worked out from the VNet.
 */

/** /16 ranges tried in order for the service CIDR (the AKS documentation's examples first). */
const SERVICE_CANDIDATES = [...Array.from({ length: 254 }, (_, index) => `10.${index + 2}.0.0/16`), ...Array.from({ length: 16 }, (_, index) => `172.${index + 16}.0.0/16`), '192.168.0.0/16'];

interface ClusterContext {
  readonly cluster: AksCluster;
  readonly subnetIds: readonly string[];
  /** The prefixes of the cluster's VNets and all their subnets: what the new ranges must avoid. */
  readonly taken: readonly string[];
  readonly attachments: readonly { readonly computeName: string; readonly workspaceName: string; readonly group: string }[];
}

function contextOf(estate: Estate, finding: Finding): ClusterContext | undefined {
  const cluster = estate.aksCluster(finding.resourceId);
  if (cluster === undefined) return undefined;
  const computes = estate.computes.filter((compute) => compute.attachedResourceId !== undefined && idKey(compute.attachedResourceId) === cluster.key);
  const placement = aksPlacementOf(estate, cluster, computes);
  const taken: string[] = [];
  for (const vnetId of placement.vnetIds) {
    taken.push(...(estate.virtualNetwork(vnetId)?.addressPrefixes ?? []));
    for (const subnet of estate.subnetsOf(vnetId)) taken.push(...subnet.addressPrefixes);
  }
  return {
    cluster,
    subnetIds: placement.subnetIds,
    taken,
    attachments: computes.map((compute) => ({ computeName: compute.name, workspaceName: nameOf(compute.workspaceId), group: names(compute.workspaceId).group })),
  };
}

function freeRange(candidates: readonly string[], taken: readonly string[]): string | undefined {
  return candidates.find((candidate) => taken.every((prefix) => cidrsOverlap(candidate, prefix) === false));
}

/** The az commands of a replacement cluster with the given network settings. */
function replacement(context: ClusterContext, settings: { serviceCidr?: string; location?: string; subnetVariable?: boolean }): string[] {
  const { cluster } = context;
  const group = names(cluster.id).group;
  // A value only the reader knows is a shell variable they set first ("$SUBNET_ID"), never a placeholder bash would misread.
  const subnet = settings.subnetVariable !== true && context.subnetIds[0] !== undefined ? shellWord(context.subnetIds[0]) : '"$SUBNET_ID"';
  const newName = `${cluster.name}-2`.slice(0, 63);
  const serviceCidr = settings.serviceCidr;
  const dnsIp = serviceCidr !== undefined ? serviceCidr.replace(/\.0\.0\/16$/, '.0.10') : undefined;
  const create = [
    `az aks create --resource-group ${shellWord(group)} --name ${shellWord(newName)}`,
    ...(settings.location !== undefined ? [`--location ${shellWord(settings.location)}`] : cluster.location !== undefined ? [`--location ${shellWord(cluster.location)}`] : []),
    `--network-plugin azure --vnet-subnet-id ${subnet}`,
    ...(serviceCidr !== undefined && dnsIp !== undefined ? [`--service-cidr ${serviceCidr} --dns-service-ip ${dnsIp}`] : []),
    '--enable-managed-identity --generate-ssh-keys',
  ].join(' ');
  return [create, `az aks show --resource-group ${shellWord(group)} --name ${shellWord(newName)} --query id --output tsv`];
}

function summaryOf(context: ClusterContext, what: string): string {
  const attached = context.attachments.map((item) => `'${item.computeName}' of workspace '${item.workspaceName}'`).join(', ');
  return `${what} Create cluster '${context.cluster.name}-2' as below, attach it to the workspace${attached !== '' ? ` in place of ${attached}` : ''} (Azure ML studio, Compute, Kubernetes clusters, or your az ml CLI version's attach command), redeploy the models to it, then delete '${context.cluster.name}'.`;
}

const RECREATE = 'an AKS cluster\'s network settings are fixed at creation: a new cluster replaces it and its models are redeployed, which a person schedules';
const RISK = 'A second cluster runs (and bills) until the first is deleted; endpoints on the old cluster stop when it is deleted.';

function recreatePlan(ruleIds: readonly string[], build: (context: ClusterContext, finding: Finding) => Draft | undefined): Planner {
  return {
    ruleIds,
    plan(finding, { estate }) {
      const context = contextOf(estate, finding);
      const draft = context !== undefined ? build(context, finding) : undefined;
      return draft === undefined ? [] : [draft];
    },
  };
}

const serviceRange = recreatePlan(['aks.service-cidr-overlap', 'aks.dns-ip-in-service-cidr', 'aks.docker-bridge-overlap'], (context, finding) => {
  const serviceCidr = freeRange(SERVICE_CANDIDATES, context.taken);
  if (serviceCidr === undefined) return undefined;
  const what =
    finding.ruleId === 'aks.docker-bridge-overlap'
      ? `Recreate the cluster: clusters created today run containerd and have no Docker bridge to overlap (service CIDR ${serviceCidr}, outside the VNet, given as well).`
      : `Give the cluster a service CIDR outside the VNet's ranges (${serviceCidr}) and a DNS service IP inside it other than its first addresses (${serviceCidr.replace(/\.0\.0\/16$/, '.0.10')}).`;
  return manual(RECREATE, {
    summary: summaryOf(context, what),
    risk: RISK,
    operations: [],
    az: replacement(context, { serviceCidr }),
    rollback: [],
  });
});

const privateCluster = recreatePlan(['aks.private-cluster'], (context) =>
  manual(RECREATE, {
    summary: summaryOf(context, 'The 2020 documents require an AKS cluster whose API server is not a private-link endpoint.'),
    risk: `${RISK} The new cluster's API server has a public endpoint: restrict it with --api-server-authorized-ip-ranges.`,
    operations: [],
    az: replacement(context, {}),
    rollback: [],
  }),
);

const vnetRegion = recreatePlan(['aks.vnet-region'], (context) =>
  manual(RECREATE, {
    summary: summaryOf(context, `Place the cluster in a subnet of a VNet in its own region${context.cluster.location !== undefined ? ` (${context.cluster.location})` : ''}: set SUBNET_ID to that subnet's ID first.`),
    risk: RISK,
    operations: [],
    az: replacement(context, { subnetVariable: true }),
    rollback: [],
  }),
);

export const aksPlanners: readonly Planner[] = [serviceRange, privateCluster, vnetRegion];
