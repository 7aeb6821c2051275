import { idKey, nameOf } from '../../core/ids';
import { isObject } from '../../core/json';
import { names, shellWord } from '../arm';
import type { Planner } from './draft';
import { manual } from './draft';

/**
 * Azure Firewall: allow the Azure ML hosts the compute subnets are denied, as an application rule
 * (Https:443) from those subnets' prefixes. Firewall rules belong to whoever runs the hub, and a
 * rule collection's place in the order decides what it overrides: never automatic, but the
 * commands are written out with the real names, hosts and prefixes.
 */
export const firewallHostsPlanner: Planner = {
  ruleIds: ['firewall.aml-hosts'],
  plan(finding, { estate }) {
    const firewall = estate.resource(finding.resourceId);
    const missing = Array.isArray(finding.evidence.missingHosts) ? finding.evidence.missingHosts.filter((host): host is string => typeof host === 'string') : [];
    if (firewall === undefined || missing.length === 0) return [];
    const denied = Array.isArray(finding.evidence.deniedBy) ? finding.evidence.deniedBy : [];
    const subnetIds = [...new Map(denied.flatMap((item) => (isObject(item) && typeof item.subnetId === 'string' ? [[idKey(item.subnetId), item.subnetId] as const] : []))).values()];
    const prefixes = [...new Set(subnetIds.flatMap((id) => estate.subnet(id)?.addressPrefixes ?? []))];
    if (prefixes.length === 0) return [];
    const explicitDeny = denied.some((item) => isObject(item) && item.decidedBy !== null && item.decidedBy !== undefined);
    const policyId = estate.firewalls.find((candidate) => candidate.key === firewall.key)?.firewallPolicyId;
    const hosts = missing.map(shellWord).join(' ');
    const sources = prefixes.map(shellWord).join(' ');
    const order = explicitDeny ? 'a priority ahead of the collection whose rule denies them (set PRIORITY to it; see the finding evidence, deniedBy)' : 'any free priority (only the implicit deny stops them today)';
    const az =
      policyId !== undefined
        ? [
            `az network firewall policy rule-collection-group create --resource-group ${shellWord(names(policyId).group)} --policy-name ${shellWord(nameOf(policyId))} --name aml-vnet-auditor --priority ${explicitDeny ? '"$PRIORITY"' : '65000'}`,
            `az network firewall policy rule-collection-group collection add-filter-collection --resource-group ${shellWord(names(policyId).group)} --policy-name ${shellWord(nameOf(policyId))} --rule-collection-group-name aml-vnet-auditor --name aml-hosts --collection-priority 100 --action Allow --rule-name aml-hosts --rule-type ApplicationRule --protocols Https=443 --source-addresses ${sources} --target-fqdns ${hosts}`,
          ]
        : [
            `az network firewall application-rule create --resource-group ${shellWord(names(firewall.id).group)} --firewall-name ${shellWord(firewall.name)} --collection-name aml-vnet-auditor --priority ${explicitDeny ? '"$PRIORITY"' : '65000'} --action Allow --name aml-hosts --protocols Https=443 --source-addresses ${sources} --target-fqdns ${hosts}`,
          ];
    return [
      manual('firewall rules are owned by the hub\'s operators, and where a collection sits in the order decides what it overrides', {
        summary: `Allow ${missing.join(', ')} over Https:443 from ${prefixes.join(', ')} through firewall '${firewall.name}'${policyId !== undefined ? ` (policy '${nameOf(policyId)}')` : ''}, in a rule collection at ${order}.`,
        risk: `Widens: the compute subnets may reach these Microsoft hosts through the firewall (HTTPS only, these FQDNs only).`,
        operations: [],
        az,
        rollback: [],
      }),
    ];
  },
};
