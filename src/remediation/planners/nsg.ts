import { idKey, nameOf, regionKey } from '../../core/ids';
import { isObject } from '../../core/json';
import type { Finding, JsonValue } from '../../core/types';
import type { Estate } from '../../estate';
import { apiVersionFor, names, propertiesOf, putBody, shellWord, writable } from '../arm';
import type { JsonBody, PlanOperation } from '../types';
import type { Draft, Planner, PlanningContext } from './draft';
import { manual, rowOf } from './draft';

/**
 * NSG flows the source document requires: insert the narrowest Allow rule for each blocked flow
 * at a free priority ahead of the rule that blocks it. Existing rules are never edited or deleted.
 * Each rule is its own child write (`…/securityRules/name`); the precondition is the NSG's rules
 * as read (a rule added or changed meanwhile makes the plan stale), and the ETag of the NSG, where
 * known, guards the rollback (a PUT of the NSG with its rules as they were).
 */

/** Custom rule priorities Azure accepts. */
const LOWEST = 100;
const HIGHEST = 4096;

interface BlockedFlow {
  readonly nsgId: string;
  readonly direction: 'Inbound' | 'Outbound';
  readonly ports: string;
  /** Service tag as the rule will name it (regional where the requirement is). */
  readonly tag: string;
  readonly blockingPriority: number;
  readonly blockingRule: string;
}

function usedPriorities(nsgRow: unknown, direction: string): Set<number> {
  const rules = propertiesOf(nsgRow).securityRules;
  const used = new Set<number>();
  for (const rule of Array.isArray(rules) ? rules : []) {
    const properties = isObject(rule) ? rule.properties : undefined;
    if (!isObject(properties)) continue;
    if (typeof properties.direction === 'string' && properties.direction.toLowerCase() !== direction.toLowerCase()) continue;
    if (typeof properties.priority === 'number') used.add(properties.priority);
  }
  return used;
}

function ruleNames(nsgRow: unknown): Set<string> {
  const rules = propertiesOf(nsgRow).securityRules;
  return new Set((Array.isArray(rules) ? rules : []).flatMap((rule: JsonValue) => (isObject(rule) && typeof rule.name === 'string' ? [rule.name.toLowerCase()] : [])));
}

/** The free priority closest ahead of the blocking rule (so the new rule changes as little as possible), or undefined. */
export function freePriorityBefore(used: ReadonlySet<number>, blocking: number): number | undefined {
  for (let priority = Math.min(blocking - 1, HIGHEST); priority >= LOWEST; priority--) if (!used.has(priority)) return priority;
  return undefined;
}

/** The regional tag's name as the service-tag data writes it (Storage.EastUS), else undefined. */
function regionalTagName(context: PlanningContext, tag: string, region: string): string | undefined {
  const wanted = regionKey(region);
  return context.serviceTags?.find((entry) => entry.name.toLowerCase().startsWith(`${tag.toLowerCase()}.`) && regionKey(entry.properties.region ?? '') === wanted)?.name;
}

function blockedFlows(finding: Finding, context: PlanningContext): BlockedFlow[] | string {
  const evidence = finding.evidence;
  if (typeof evidence.nsgId === 'string' && typeof evidence.priority === 'number' && typeof evidence.peer === 'string' && typeof evidence.ports === 'string') {
    return [{ nsgId: evidence.nsgId, direction: evidence.direction === 'Outbound' ? 'Outbound' : 'Inbound', ports: evidence.ports, tag: evidence.peer, blockingPriority: evidence.priority, blockingRule: typeof evidence.rule === 'string' ? evidence.rule : '' }];
  }
  const flows: BlockedFlow[] = [];
  for (const item of Array.isArray(evidence.blocked) ? evidence.blocked : []) {
    if (!isObject(item) || typeof item.tag !== 'string' || typeof item.port !== 'number' || typeof item.nsgId !== 'string' || typeof item.priority !== 'number') continue;
    let tag = item.tag;
    if (item.regional === true) {
      if (typeof item.region !== 'string') return `the region of the workspace is not known, so the regional tag ${item.tag}.<Region> cannot be named`;
      tag = regionalTagName(context, item.tag, item.region) ?? item.tag;
    }
    flows.push({ nsgId: item.nsgId, direction: 'Outbound', ports: String(item.port), tag, blockingPriority: item.priority, blockingRule: typeof item.rule === 'string' ? item.rule : '' });
  }
  return flows;
}

/** A rule name Azure accepts (letters, digits, '-', '_', '.'; at most 80), unique in the NSG. */
function ruleName(taken: Set<string>, flow: BlockedFlow): string {
  const base = `aml-auditor-allow-${flow.direction === 'Inbound' ? 'in' : 'out'}-${flow.tag}-${flow.ports}`.replace(/[^\w.-]/g, '-').slice(0, 72);
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
  taken.add(name.toLowerCase());
  return name;
}

function subnetPrefixes(estate: Estate, subnetId: string): readonly string[] {
  return estate.subnet(subnetId)?.addressPrefixes ?? [];
}

function prefixField(side: 'source' | 'destination', prefixes: readonly string[]): JsonBody {
  return prefixes.length === 1 ? { [`${side}AddressPrefix`]: prefixes[0] as string } : { [`${side}AddressPrefixes`]: [...prefixes] };
}

function planFlows(finding: Finding, context: PlanningContext): readonly Draft[] {
  const { estate } = context;
  const flows = blockedFlows(finding, context);
  const subnetName = nameOf(finding.resourceId);
  if (typeof flows === 'string' || flows.length === 0) return [];
  const prefixes = subnetPrefixes(estate, finding.resourceId);
  if (prefixes.length === 0) return [];
  const operations: PlanOperation[] = [];
  const rollback: PlanOperation[] = [];
  const az: string[] = [];
  const byNsg = new Map<string, BlockedFlow[]>();
  for (const flow of flows) byNsg.set(idKey(flow.nsgId), [...(byNsg.get(idKey(flow.nsgId)) ?? []), flow]);
  const added: string[] = [];
  for (const group of byNsg.values()) {
    const nsgId = (group[0] as BlockedFlow).nsgId;
    const nsgRow = rowOf(estate, nsgId);
    if (nsgRow === undefined) return [];
    const nsgApi = apiVersionFor(nsgId);
    const rulesBefore = writable(propertiesOf(nsgRow).securityRules ?? []);
    const taken = ruleNames(nsgRow);
    const used = { Inbound: usedPriorities(nsgRow, 'Inbound'), Outbound: usedPriorities(nsgRow, 'Outbound') };
    const rulesAfter: JsonValue[] = Array.isArray(rulesBefore) ? [...rulesBefore] : [];
    for (const flow of group) {
      const priority = freePriorityBefore(used[flow.direction], flow.blockingPriority);
      if (priority === undefined) {
        return [
          manual(`no priority is free ahead of rule '${flow.blockingRule}' (priority ${flow.blockingPriority}) of NSG '${nameOf(nsgId)}': an existing rule must be moved, which this auditor never does`, {
            summary: `Allow ${flow.direction.toLowerCase()} TCP ${flow.ports} ${flow.direction === 'Inbound' ? 'from' : 'to'} ${flow.tag} for subnet '${subnetName}' ahead of rule '${flow.blockingRule}'.`,
            risk: `Moving '${flow.blockingRule}' (to a free priority you choose: set FREE_PRIORITY) changes the order every other rule of '${nameOf(nsgId)}' is judged in; review the whole NSG.`,
            operations: [],
            az: [
              `az network nsg rule update --resource-group ${shellWord(names(nsgId).group)} --nsg-name ${shellWord(nameOf(nsgId))} --name ${shellWord(flow.blockingRule)} --priority "$FREE_PRIORITY"`,
              `az network nsg rule create --resource-group ${shellWord(names(nsgId).group)} --nsg-name ${shellWord(nameOf(nsgId))} --name ${shellWord(`aml-auditor-allow-${flow.tag}-${flow.ports}`.replace(/[^\w.-]/g, '-'))} --priority ${flow.blockingPriority} --direction ${flow.direction} --access Allow --protocol Tcp --destination-port-ranges ${flow.ports} ${flow.direction === 'Inbound' ? `--source-address-prefixes ${shellWord(flow.tag)} --destination-address-prefixes ${prefixes.map(shellWord).join(' ')}` : `--source-address-prefixes ${prefixes.map(shellWord).join(' ')} --destination-address-prefixes ${shellWord(flow.tag)}`}`,
            ],
            rollback: [],
          }),
        ];
      }
      used[flow.direction].add(priority);
      const name = ruleName(taken, flow);
      const inbound = flow.direction === 'Inbound';
      const properties: JsonBody = {
        description: `Added by aml-vnet-auditor for ${finding.ruleId}: ${flow.direction.toLowerCase()} TCP ${flow.ports} ${inbound ? 'from' : 'to'} ${flow.tag}`,
        protocol: 'Tcp',
        sourcePortRange: '*',
        destinationPortRange: flow.ports,
        ...(inbound ? { sourceAddressPrefix: flow.tag, ...prefixField('destination', prefixes) } : { ...prefixField('source', prefixes), destinationAddressPrefix: flow.tag }),
        access: 'Allow',
        priority,
        direction: flow.direction,
      };
      const id = `${nsgId}/securityRules/${name}`;
      const precondition = { readId: nsgId, apiVersion: nsgApi, values: { 'properties.securityRules': JSON.parse(JSON.stringify(rulesAfter)) as JsonValue } };
      operations.push({ method: 'PUT', id, apiVersion: apiVersionFor(id), body: { properties }, precondition, description: `add rule '${name}' (priority ${priority}) to NSG '${nameOf(nsgId)}'` });
      rulesAfter.push({ name, properties });
      added.push(`'${name}' (${flow.direction.toLowerCase()} TCP ${flow.ports} ${inbound ? 'from' : 'to'} ${flow.tag}, priority ${priority}, ahead of '${flow.blockingRule}' at ${flow.blockingPriority})`);
      const { group: resourceGroup } = names(nsgId);
      az.push(
        `az network nsg rule create --resource-group ${shellWord(resourceGroup)} --nsg-name ${shellWord(nameOf(nsgId))} --name ${shellWord(name)} --priority ${priority} --direction ${flow.direction} --access Allow --protocol Tcp --source-port-ranges '*' --destination-port-ranges ${flow.ports} ${inbound ? `--source-address-prefixes ${shellWord(flow.tag)} --destination-address-prefixes ${prefixes.map(shellWord).join(' ')}` : `--source-address-prefixes ${prefixes.map(shellWord).join(' ')} --destination-address-prefixes ${shellWord(flow.tag)}`}`,
      );
    }
    rollback.push({
      method: 'PUT',
      id: nsgId,
      apiVersion: nsgApi,
      body: putBody(nsgRow, { ...propertiesOf(nsgRow), securityRules: rulesBefore }),
      precondition: { readId: nsgId, apiVersion: nsgApi, values: { 'properties.securityRules': rulesAfter } },
      description: `restore the rules of NSG '${nameOf(nsgId)}' as they were (removes the added rules)`,
    });
  }
  return [
    {
      mode: 'auto',
      summary: `Add ${added.length} Allow rule(s) for subnet '${subnetName}': ${added.join('; ')}.`,
      risk: `Widens: the subnet's ${prefixes.join(', ')} ${flows[0]?.direction === 'Inbound' ? 'accept' : 'may open'} exactly the listed TCP ports ${flows[0]?.direction === 'Inbound' ? 'from' : 'to'} the named service tag(s), the addresses Microsoft publishes for that service; no existing rule is changed.`,
      operations,
      az,
      rollback,
    },
  ];
}

const AUTO_FLOW_RULES = ['nsg.batch-inbound', 'nsg.instance-inbound', 'nsg.outbound-service-tags', 'nsg.mcr-outbound', 'nsg.studio-frontdoor-outbound'];

const requiredFlows: Planner = { ruleIds: AUTO_FLOW_RULES, plan: planFlows };

/** SSH open to the Internet: narrowing it needs the admins' address range, which only a person knows. */
const sshExposed: Planner = {
  ruleIds: ['nsg.ssh-exposed'],
  plan(finding) {
    const { nsgId, rule } = finding.evidence;
    if (typeof nsgId !== 'string' || typeof rule !== 'string') return [];
    const group = names(nsgId).group;
    return [
      manual('narrowing SSH needs the address range your administrators connect from', {
        summary: `Restrict rule '${rule}' of NSG '${nameOf(nsgId)}' to your administrators' address range (set ADMIN_CIDR to it; or the AzureMachineLearning tag for instances), instead of the Internet.`,
        risk: 'Narrows: SSH from anywhere else stops; sessions from outside the range are cut.',
        operations: [],
        az: [`az network nsg rule update --resource-group ${shellWord(group)} --nsg-name ${shellWord(nameOf(nsgId))} --name ${shellWord(rule)} --source-address-prefixes "$ADMIN_CIDR"`],
        rollback: [],
      }),
    ];
  },
};

export const nsgPlanners: readonly Planner[] = [requiredFlows, sshExposed];
