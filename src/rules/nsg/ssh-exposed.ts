import { nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import { cidrContains } from '../../network';
import { defineRule } from '../types';
import { ANY_COMPUTE, computeIdsOfUses, regionsOfUses, subnetLabel, subnetNsgGate, subnetSubjects } from '../support/compute-subnets';
import { INTERNET, judgeFlow, ruleRefJson, tcp } from '../support/traffic';
import type { Flow, FlowOutcome } from '../support/traffic';


const SSH: Flow = { direction: 'Inbound', protocol: 'Tcp', ports: tcp(22), peer: INTERNET };

/** 001, "Required ports": port 22 is optional, and only for SSH on the public IP. */
export const nsgSshExposedRule = defineRule({
  meta: {
    id: 'nsg.ssh-exposed',
    title: 'SSH is open to the whole Internet on a compute subnet',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Required ports',
      quote: '(Optional) Inbound TCP traffic on port 22 to permit remote access. Use this port only if you want to connect by using SSH on the public IP.',
    },
    description:
      'A subnet hosting Azure ML compute should not admit SSH (TCP 22) from any Internet address; the source document makes port 22 optional, for deliberate remote access only.',
    remediation:
      'Remove the rule, or narrow its source to the named address ranges that need SSH (or the AzureMachineLearning tag for attached VMs); prefer a bastion or the compute instance terminal.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      closed: "The NSG '{{nsg}}' of subnet '{{name}}' does not admit SSH (TCP 22) from the Internet.",
      exposed:
        "Rule '{{rule}}' (priority {{priority}}) of NSG '{{nsg}}' admits SSH (TCP 22) from any Internet address to subnet '{{name}}' ({{target}}); narrow its source to the address ranges that need SSH or remove it.",
      undetermined: "Whether NSG '{{nsg}}' of subnet '{{name}}' admits SSH from the Internet cannot be told: {{reason}}.",
      noNsg: "Subnet '{{name}}' has no NSG; the rule judges subnet NSGs only.",
      missingSubnet: "Subnet '{{name}}' hosts Azure ML compute but is not in the inventory; its NSG cannot be judged.",
      missingNsg: "Subnet '{{name}}' names NSG '{{nsg}}', which is not in the inventory; its rules cannot be judged.",
    },
  },
  subjects: (estate) => subnetSubjects(estate, ANY_COMPUTE),
  check: ({ target }, estate) => {
    const computeIds = computeIdsOfUses(target.uses);
    const label = subnetLabel(target.subnetId);
    const gate = subnetNsgGate(estate, target);
    if (gate.kind === 'missing-subnet') {
      return { status: 'unknown', messageId: 'missingSubnet', data: { name: label }, evidence: { missingResourceId: target.subnetId, computeIds } };
    }
    if (gate.kind === 'no-nsg') return { status: 'not-applicable', messageId: 'noNsg', data: { name: label }, evidence: { nsgId: null, computeIds } };
    if (gate.kind === 'missing-nsg') {
      return { status: 'unknown', messageId: 'missingNsg', data: { name: label, nsg: nameOf(gate.nsgId) }, evidence: { missingResourceId: gate.nsgId, computeIds } };
    }
    const { subnet, nsg } = gate;
    const regions = regionsOfUses(estate, target.uses);
    // The NSG engine counts an Allow only where it covers all of the destination: judge the whole
    // subnet, then each part of it an inbound Allow rule names (one exposed VM is exposure too).
    const targets: { readonly label: string; readonly prefixes: readonly string[] }[] = [{ label: 'the whole subnet', prefixes: subnet.addressPrefixes }];
    for (const rule of nsg.parsed.inbound) {
      if (rule.isDefault || rule.access !== 'Allow') continue;
      for (const destination of rule.destinationAddresses) {
        const inside = subnet.addressPrefixes.some((prefix) => cidrContains(prefix, destination) === true && cidrContains(destination, prefix) !== true);
        if (inside && !targets.some((known) => known.prefixes.length === 1 && known.prefixes[0] === destination)) targets.push({ label: destination, prefixes: [destination] });
      }
    }
    let unknown: { outcome: Extract<FlowOutcome, { decision: 'unknown' }>; label: string } | undefined;
    let denied: Extract<FlowOutcome, { decision: 'deny' }> | undefined;
    for (const candidate of targets) {
      const outcome = judgeFlow([nsg.parsed], SSH, candidate.prefixes, regions, estate.serviceTags);
      if (outcome.decision === 'allow') {
        const first = outcome.decidedBy[0];
        const evidence: { [key: string]: JsonValue } = {
          nsgId: nsg.id,
          direction: 'Inbound',
          protocol: 'Tcp',
          ports: '22',
          peer: 'Internet',
          destination: candidate.prefixes.join(', '),
          rule: first?.rule ?? null,
          priority: first?.priority ?? null,
          allowedBy: outcome.decidedBy.map(ruleRefJson),
          computeIds,
        };
        return {
          status: 'fail',
          messageId: 'exposed',
          data: { name: label, nsg: nsg.name, rule: first?.rule ?? '?', priority: first?.priority ?? '?', target: candidate.label },
          evidence,
        };
      }
      if (outcome.decision === 'unknown') unknown ??= { outcome, label: candidate.label };
      else denied ??= outcome;
    }
    if (unknown) {
      const { outcome } = unknown;
      return {
        status: 'unknown',
        messageId: 'undetermined',
        data: { name: label, nsg: nsg.name, reason: outcome.reason },
        evidence: { nsgId: nsg.id, ports: '22', peer: 'Internet', destination: unknown.label, reason: outcome.reason, rule: outcome.rule?.rule ?? null, priority: outcome.rule?.priority ?? null, computeIds },
      };
    }
    return {
      status: 'pass',
      messageId: 'closed',
      data: { name: label, nsg: nsg.name },
      evidence: { nsgId: nsg.id, ports: '22', peer: 'Internet', rule: denied?.decidedBy.rule ?? null, priority: denied?.decidedBy.priority ?? null, computeIds },
    };
  },
});
