import { nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import { defineRule } from '../types';
import { computeIdsOfUses, regionsOfUses, subnetLabel, subnetNsgGate, subnetSubjects } from '../support/compute-subnets';
import { INTERNET, judgeFlow, outcomeJson, tcp } from '../support/traffic';
import type { Flow } from '../support/traffic';


const SCORING: readonly Flow[] = [
  { direction: 'Inbound', protocol: 'Tcp', ports: tcp(80), peer: INTERNET },
  { direction: 'Inbound', protocol: 'Tcp', ports: tcp(443), peer: INTERNET },
];

/** 001 and 000, "Use Azure Kubernetes Service (AKS)": an inbound rule for the scoring endpoint. */
export const nsgAksScoringInboundRule = defineRule({
  meta: {
    id: 'nsg.aks-scoring-inbound',
    title: 'AKS scoring endpoint cannot be called from outside the VNet',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Use Azure Kubernetes Service (AKS)',
      quote:
        'Make sure that the NSG group that controls the virtual network has an inbound security rule enabled for the scoring endpoint so that it can be called from outside the virtual network.',
    },
    description:
      'The NSG of an AKS node subnet whose AKS compute uses a public load balancer must admit the scoring endpoint (TCP 80 or 443) from the Internet.',
    remediation:
      'Add an inbound Allow rule to the AKS subnet NSG for TCP 443 (and 80 if the endpoint serves HTTP) from Internet, or switch the AKS compute to an internal load balancer if callers are all inside the network.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      open: "NSG '{{nsg}}' of AKS subnet '{{name}}' admits the scoring endpoint from the Internet on TCP {{ports}}.",
      closed:
        "NSG '{{nsg}}' of AKS subnet '{{name}}' denies inbound TCP 80 and 443 from the Internet ({{rules}}); the public scoring endpoint cannot be called from outside the VNet. Add an inbound Allow rule for TCP 443 (or 80) from Internet.",
      undetermined: "Whether NSG '{{nsg}}' of AKS subnet '{{name}}' admits the scoring endpoint from the Internet cannot be told: {{reason}}.",
      internalOnly: "Every AKS compute on subnet '{{name}}' uses an internal load balancer; its scoring endpoint is not meant to be called from the Internet.",
      noNsg: "AKS subnet '{{name}}' has no NSG; nothing at subnet level blocks the scoring endpoint.",
      missingSubnet: "AKS subnet '{{name}}' is not in the inventory; its NSG cannot be judged.",
      missingNsg: "AKS subnet '{{name}}' names NSG '{{nsg}}', which is not in the inventory; its rules cannot be judged.",
    },
  },
  subjects: (estate) => subnetSubjects(estate, ['aks']),
  check: ({ target }, estate) => {
    const name = subnetLabel(target.subnetId);
    const publicUses = target.uses.filter((use) => use.compute.loadBalancerType?.toLowerCase() !== 'internalloadbalancer');
    const computeIds = computeIdsOfUses(publicUses);
    if (publicUses.length === 0) {
      return { status: 'not-applicable', messageId: 'internalOnly', data: { name }, evidence: { computeIds: computeIdsOfUses(target.uses), loadBalancerType: 'InternalLoadBalancer' } };
    }
    const gate = subnetNsgGate(estate, target);
    if (gate.kind === 'missing-subnet') return { status: 'unknown', messageId: 'missingSubnet', data: { name }, evidence: { missingResourceId: target.subnetId, computeIds } };
    if (gate.kind === 'no-nsg') return { status: 'not-applicable', messageId: 'noNsg', data: { name }, evidence: { nsgId: null, computeIds } };
    if (gate.kind === 'missing-nsg') {
      return { status: 'unknown', messageId: 'missingNsg', data: { name, nsg: nameOf(gate.nsgId) }, evidence: { missingResourceId: gate.nsgId, computeIds } };
    }
    const { subnet, nsg } = gate;
    const regions = regionsOfUses(estate, publicUses);
    const outcomes = SCORING.map((flow) => ({ flow, outcome: judgeFlow([nsg.parsed], flow, subnet.addressPrefixes, regions, estate.serviceTags) }));
    const ports: JsonValue[] = outcomes.map(({ flow, outcome }) => outcomeJson(flow, outcome));
    const evidence = { nsgId: nsg.id, ports, computeIds };
    const open = outcomes.filter(({ outcome }) => outcome.decision === 'allow');
    if (open.length > 0) {
      return { status: 'pass', messageId: 'open', data: { name, nsg: nsg.name, ports: open.map(({ flow }) => flow.ports.from).join(' and ') }, evidence };
    }
    const unknown = outcomes.find(({ outcome }) => outcome.decision === 'unknown')?.outcome;
    if (unknown && unknown.decision === 'unknown') {
      return { status: 'unknown', messageId: 'undetermined', data: { name, nsg: nsg.name, reason: unknown.reason }, evidence };
    }
    const rules = outcomes
      .map(({ flow, outcome }) => (outcome.decision === 'deny' ? `TCP ${flow.ports.from} by '${outcome.decidedBy.rule}' (priority ${outcome.decidedBy.priority})` : ''))
      .join(', ');
    return { status: 'fail', messageId: 'closed', data: { name, nsg: nsg.name, rules }, evidence };
  },
});
