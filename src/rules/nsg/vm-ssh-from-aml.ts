import { idKey, nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { Estate, HdInsightCluster, NetworkInterface, VirtualMachine } from '../../estate';
import { defineRule } from '../types';
import type { RuleSubject } from '../types';
import { attachedResourceSubjects, computeIdsOf, missingAttached } from '../support/attached';
import type { AttachedTarget } from '../support/attached';
import { judgeFlow, nsgsByIds, outcomeJson, serviceTag, tcp } from '../support/traffic';
import type { Flow, FlowOutcome } from '../support/traffic';


type Target =
  | { readonly kind: 'virtual machine'; readonly attached: AttachedTarget<VirtualMachine> }
  | { readonly kind: 'HDInsight cluster'; readonly attached: AttachedTarget<HdInsightCluster> };

const SSH_FROM_AML: Flow = { direction: 'Inbound', protocol: 'Tcp', ports: tcp(22), peer: serviceTag('AzureMachineLearning') };

/** One NSG path into the resource: a NIC (VM) or a subnet (HDInsight). */
interface SshPath {
  readonly via: string;
  readonly subnetId: string | null;
  readonly nsgIds: readonly string[];
  /** Why the path cannot be judged (a row the inventory lacks); undefined when it can. */
  readonly missing?: string;
  readonly localPrefixes: readonly string[];
}

function regionsOf(estate: Estate, attached: AttachedTarget<unknown>): (string | undefined)[] {
  const regions: (string | undefined)[] = [];
  for (const compute of attached.computes) {
    const region = estate.workspace(compute.workspaceId)?.location ?? compute.location;
    if (!regions.includes(region)) regions.push(region);
  }
  return regions;
}

function subnetNsgIds(estate: Estate, subnetId: string): { nsgIds: string[]; prefixes: readonly string[]; missing?: string } {
  const subnet = estate.subnet(subnetId);
  if (!subnet) return { nsgIds: [], prefixes: [], missing: `subnet ${nameOf(subnetId)} is not in the inventory` };
  return { nsgIds: subnet.nsgId !== undefined ? [subnet.nsgId] : [], prefixes: subnet.addressPrefixes };
}

function vmPaths(estate: Estate, vm: VirtualMachine): SshPath[] | string {
  const nics: (NetworkInterface | string)[] = vm.nicIds.map((nicId) => estate.networkInterface(nicId) ?? nicId);
  if (nics.length === 0) nics.push(...estate.networkInterfacesOf(vm.id));
  if (nics.length === 0) return 'the VM names no network interface';
  const paths: SshPath[] = [];
  for (const nic of nics) {
    if (typeof nic === 'string') {
      paths.push({ via: `NIC ${nameOf(nic)}`, subnetId: null, nsgIds: [], missing: `network interface ${nameOf(nic)} is not in the inventory`, localPrefixes: [] });
      continue;
    }
    if (nic.subnetIds.length === 0) {
      paths.push({ via: `NIC ${nic.name}`, subnetId: null, nsgIds: [], missing: `network interface ${nic.name} names no subnet`, localPrefixes: [] });
      continue;
    }
    for (const subnetId of nic.subnetIds) {
      const subnet = subnetNsgIds(estate, subnetId);
      const nsgIds = [...subnet.nsgIds, ...(nic.nsgId !== undefined ? [nic.nsgId] : [])];
      const localPrefixes = nic.privateIpAddresses.length > 0 ? nic.privateIpAddresses : subnet.prefixes;
      paths.push({ via: `NIC ${nic.name}`, subnetId, nsgIds, localPrefixes, ...(subnet.missing !== undefined ? { missing: subnet.missing } : {}) });
    }
  }
  return paths;
}

function hdInsightPaths(estate: Estate, cluster: HdInsightCluster): SshPath[] | string {
  if (cluster.subnetIds.length === 0) return 'the cluster names no subnet (computeProfile.roles[].virtualNetworkProfile.subnet)';
  const seen = new Set<string>();
  const paths: SshPath[] = [];
  for (const subnetId of cluster.subnetIds) {
    if (seen.has(idKey(subnetId))) continue;
    seen.add(idKey(subnetId));
    const subnet = subnetNsgIds(estate, subnetId);
    paths.push({ via: `subnet ${nameOf(subnetId)}`, subnetId, nsgIds: subnet.nsgIds, localPrefixes: subnet.prefixes, ...(subnet.missing !== undefined ? { missing: subnet.missing } : {}) });
  }
  return paths;
}

/** 001, "Use a virtual machine or HDInsight cluster": SSH from AzureMachineLearning. */
export const nsgVmSshFromAmlRule = defineRule({
  meta: {
    id: 'nsg.vm-ssh-from-aml',
    title: 'Azure ML cannot reach SSH on an attached VM or HDInsight cluster',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use a virtual machine or HDInsight cluster',
      quote:
        'To allow Azure Machine Learning to communicate with the SSH port on the VM or cluster, configure a source entry for the network security group. The SSH port is usually port 22. […] In the Source service tag drop-down list, select AzureMachineLearning. […] In the Destination port ranges drop-down list, select 22.',
    },
    description:
      'Azure Machine Learning drives an attached VM or HDInsight cluster over SSH: inbound TCP 22 from the AzureMachineLearning service tag must be allowed by the subnet NSG and, for a VM, by its NIC NSG.',
    remediation:
      'Add an inbound Allow rule for TCP 22 from the AzureMachineLearning service tag (any source port) to every NSG on the path: the subnet NSG and the NIC NSG.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      allowed: "Inbound SSH (TCP 22) from AzureMachineLearning reaches {{kind}} '{{name}}' through every NSG on its path.",
      blocked:
        "Rule '{{rule}}' (priority {{priority}}) of NSG '{{nsg}}' denies inbound SSH (TCP 22) from AzureMachineLearning to {{kind}} '{{name}}' ({{via}}); add an Allow rule for source service tag AzureMachineLearning on TCP 22 with a lower priority number, or the workspace cannot use the compute.",
      undetermined: "Whether inbound SSH from AzureMachineLearning reaches {{kind}} '{{name}}' cannot be told: {{reason}}.",
      missing: "The attached {{kind}} '{{name}}' cannot be judged: {{reason}}.",
      noNetwork: "The {{kind}} '{{name}}' cannot be judged: {{reason}}.",
    },
  },
  subjects: (estate) => {
    const subjects: RuleSubject<Target>[] = [];
    for (const subject of attachedResourceSubjects(estate, 'VirtualMachine', (id) => estate.virtualMachine(id))) {
      subjects.push({ ...subject, target: { kind: 'virtual machine', attached: subject.target } });
    }
    for (const subject of attachedResourceSubjects(estate, 'HDInsight', (id) => estate.hdInsightCluster(id))) {
      subjects.push({ ...subject, target: { kind: 'HDInsight cluster', attached: subject.target } });
    }
    return subjects;
  },
  check: ({ target }, estate) => {
    const { kind, attached } = target;
    const missing = missingAttached(attached);
    if (missing) return { status: 'unknown', messageId: 'missing', data: { kind, ...missing.data }, evidence: missing.evidence };
    const computeIds = computeIdsOf(attached);
    const resource = attached.resource as VirtualMachine | HdInsightCluster;
    const paths = target.kind === 'virtual machine' ? vmPaths(estate, target.attached.resource as VirtualMachine) : hdInsightPaths(estate, target.attached.resource as HdInsightCluster);
    if (typeof paths === 'string') return { status: 'unknown', messageId: 'noNetwork', data: { kind, name: resource.name, reason: paths }, evidence: { resourceId: resource.id, reason: paths, computeIds } };
    const regions = regionsOf(estate, attached);
    const judged: { path: SshPath; outcome: FlowOutcome | undefined; reason?: string }[] = paths.map((path) => {
      if (path.missing !== undefined) return { path, outcome: undefined, reason: path.missing };
      const { nsgs, missing: missingNsgs } = nsgsByIds(estate, path.nsgIds);
      if (missingNsgs.length > 0) return { path, outcome: undefined, reason: `NSG ${missingNsgs.map(nameOf).join(', ')} is not in the inventory` };
      return { path, outcome: judgeFlow(nsgs.map((nsg) => nsg.parsed), SSH_FROM_AML, path.localPrefixes, regions, estate.serviceTags) };
    });
    const evidencePaths: JsonValue[] = judged.map(({ path, outcome, reason }) => ({
      via: path.via,
      subnetId: path.subnetId,
      nsgIds: [...path.nsgIds],
      ...(outcome ? outcomeJson(SSH_FROM_AML, outcome) : { decision: 'unknown', reason: reason ?? null }),
    }));
    const evidence = { resourceId: resource.id, paths: evidencePaths, computeIds };
    const denied = judged.find((item) => item.outcome?.decision === 'deny');
    if (denied && denied.outcome?.decision === 'deny') {
      const ref = denied.outcome.decidedBy;
      return {
        status: 'fail',
        messageId: 'blocked',
        data: { kind, name: resource.name, rule: ref.rule, priority: ref.priority, nsg: ref.nsgName, via: denied.path.via },
        evidence: { ...evidence, nsgId: ref.nsgId, rule: ref.rule, priority: ref.priority, ports: '22' },
      };
    }
    const unknown = judged.find((item) => item.outcome === undefined || item.outcome.decision === 'unknown');
    if (unknown) {
      const reason = unknown.outcome?.decision === 'unknown' ? unknown.outcome.reason : (unknown.reason ?? 'missing data');
      return { status: 'unknown', messageId: 'undetermined', data: { kind, name: resource.name, reason: `${unknown.path.via}: ${reason}` }, evidence };
    }
    return { status: 'pass', messageId: 'allowed', data: { kind, name: resource.name }, evidence };
  },
});
