/**
 * Reading NSG JSON (ARM and Resource Graph shapes, with or without the inner `properties`) into
 * ParsedNsg. Untrusted input: nothing here throws; a malformed rule is skipped, described in
 * `problems`, and kept in `skippedRules` so that evaluation treats it as unknown at its priority.
 */
import { isObject } from '../core/json';
import type { JsonObject } from '../core/json';
import { cidrRecord } from './cidr';
import type { Access, Direction, NsgRule, ParsedNsg, SkippedNsgRule } from './types';

const MAX_NAME = 256;
const MAX_LIST = 4_000;
const MAX_RULES = 10_000;
/** Service-tag-like names: letters, digits, '.', '-', '_' (AzureFrontDoor.Frontend, Storage.EastUS2). */
const TAG_TEXT = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const PORT_TEXT = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/;
const PROTOCOLS: ReadonlySet<string> = new Set(['*', 'any', 'tcp', 'udp', 'icmp', 'esp', 'ah']);

class RuleProblem extends Error {}

/**
 * Lists of one entry repeat across a tenant's rules by the thousand ('*', 'VirtualNetwork',
 * '443'): each is held once, frozen, and every empty list is the same one. A parsed group is most
 * of what an audit keeps of it, so this is most of its memory.
 */
const EMPTY_LIST: readonly string[] = Object.freeze([]);
const SHARED_LIST_LIMIT = 10_000;
const sharedLists = new Map<string, readonly string[]>();

function sharedList(list: readonly string[]): readonly string[] {
  if (list.length === 0) return EMPTY_LIST;
  if (list.length > 1) return list;
  const entry = list[0] as string;
  let shared = sharedLists.get(entry);
  if (shared === undefined) {
    if (sharedLists.size >= SHARED_LIST_LIMIT) sharedLists.clear();
    shared = Object.freeze([entry]);
    sharedLists.set(entry, shared);
  }
  return shared;
}

/** Shortens hostile text before it goes into a problem line. */
export function shown(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function readDirection(value: unknown): Direction | undefined {
  if (typeof value !== 'string') return undefined;
  const lowered = value.trim().toLowerCase();
  return lowered === 'inbound' ? 'Inbound' : lowered === 'outbound' ? 'Outbound' : undefined;
}

function readAccess(value: unknown): Access | undefined {
  if (typeof value !== 'string') return undefined;
  const lowered = value.trim().toLowerCase();
  return lowered === 'allow' ? 'Allow' : lowered === 'deny' ? 'Deny' : undefined;
}

function readPriority(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
}

/** Singular + plural fields merged; throws RuleProblem on wrong types. Empty strings are "not set". */
function readStrings(props: JsonObject, singular: string, plural: string): string[] {
  const result: string[] = [];
  const one = props[singular];
  if (one !== undefined && one !== null) {
    if (typeof one !== 'string') throw new RuleProblem(`${singular} is not a string`);
    if (one.trim() !== '') result.push(one.trim());
  }
  const many = props[plural];
  if (many !== undefined && many !== null) {
    if (!Array.isArray(many)) throw new RuleProblem(`${plural} is not an array`);
    if (many.length > MAX_LIST) throw new RuleProblem(`${plural} has more than ${MAX_LIST} entries`);
    for (const item of many) {
      if (typeof item !== 'string') throw new RuleProblem(`${plural} holds a non-string`);
      if (item.trim() !== '') result.push(item.trim());
    }
  }
  return result;
}

function checkAddress(text: string, field: string): void {
  if (text === '*' || TAG_TEXT.test(text) || cidrRecord(text)) return;
  throw new RuleProblem(`${field} '${shown(text)}' is neither '*', a service tag nor an address prefix`);
}

/** Parses one port entry ('*', 'N', 'A-B'); undefined when malformed. */
export function parsePortEntry(text: string): { from: number; to: number } | undefined {
  if (text.trim() === '*') return { from: 0, to: 65535 };
  const match = PORT_TEXT.exec(text);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from > 65535 || to > 65535 || from > to) return undefined;
  return { from, to };
}

function checkPorts(ports: readonly string[], field: string): void {
  if (ports.length === 0) throw new RuleProblem(`${field} is missing`);
  for (const port of ports) {
    if (!parsePortEntry(port)) throw new RuleProblem(`${field} '${shown(port)}' is not '*', 'N' or 'A-B' within 0-65535`);
  }
}

function readAsgIds(props: JsonObject, field: string): string[] {
  const value = props[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RuleProblem(`${field} is not an array`);
  if (value.length > MAX_LIST) throw new RuleProblem(`${field} has more than ${MAX_LIST} entries`);
  return value.map((item) => {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id !== 'string' || id.trim() === '' || id.length > 2_048) throw new RuleProblem(`${field} holds an entry without an id`);
    return id;
  });
}

function readRule(entry: unknown, isDefault: boolean, position: string): NsgRule | SkippedNsgRule {
  if (!isObject(entry)) {
    return { name: undefined, direction: undefined, priority: undefined, access: undefined, problem: `${position} is not an object` };
  }
  // Resource Graph and ARM nest the fields under `properties`; some exports flatten them.
  const props = isObject(entry.properties) ? entry.properties : entry;
  const rawName = typeof entry.name === 'string' ? entry.name : typeof props.name === 'string' ? props.name : undefined;
  const name = rawName !== undefined && rawName.trim() !== '' && rawName.length <= MAX_NAME ? rawName.trim() : undefined;
  const direction = readDirection(props.direction);
  const access = readAccess(props.access);
  const priority = readPriority(props.priority);
  const skip = (problem: string): SkippedNsgRule => ({
    name,
    direction,
    priority,
    access,
    problem: `${position}${name === undefined ? '' : ` '${shown(name)}'`}: ${problem}`,
  });
  if (name === undefined) return skip(rawName === undefined ? 'has no name' : 'has an empty or oversized name');
  if (priority === undefined) return skip('has no valid priority (an integer 1-65535)');
  if (direction === undefined) return skip('has no valid direction (Inbound or Outbound)');
  if (access === undefined) return skip('has no valid access (Allow or Deny)');
  const protocol = typeof props.protocol === 'string' ? props.protocol.trim() : undefined;
  if (protocol === undefined || !PROTOCOLS.has(protocol.toLowerCase())) return skip('has no valid protocol');
  try {
    const sourceAddresses = readStrings(props, 'sourceAddressPrefix', 'sourceAddressPrefixes');
    const destinationAddresses = readStrings(props, 'destinationAddressPrefix', 'destinationAddressPrefixes');
    const sourceAsgIds = readAsgIds(props, 'sourceApplicationSecurityGroups');
    const destinationAsgIds = readAsgIds(props, 'destinationApplicationSecurityGroups');
    if (sourceAddresses.length === 0 && sourceAsgIds.length === 0) throw new RuleProblem('has no source address or application security group');
    if (destinationAddresses.length === 0 && destinationAsgIds.length === 0) {
      throw new RuleProblem('has no destination address or application security group');
    }
    for (const address of sourceAddresses) checkAddress(address, 'source');
    for (const address of destinationAddresses) checkAddress(address, 'destination');
    const sourcePorts = readStrings(props, 'sourcePortRange', 'sourcePortRanges');
    const destinationPorts = readStrings(props, 'destinationPortRange', 'destinationPortRanges');
    checkPorts(sourcePorts, 'source port');
    checkPorts(destinationPorts, 'destination port');
    return {
      name,
      priority,
      direction,
      access,
      protocol,
      sourceAddresses: sharedList(sourceAddresses),
      destinationAddresses: sharedList(destinationAddresses),
      sourcePorts: sharedList(sourcePorts),
      destinationPorts: sharedList(destinationPorts),
      sourceAsgIds: sharedList(sourceAsgIds),
      destinationAsgIds: sharedList(destinationAsgIds),
      isDefault,
    };
  } catch (error) {
    if (error instanceof RuleProblem) return skip(error.message);
    return skip('could not be read');
  }
}

function standardRule(name: string, priority: number, direction: Direction, access: Access, source: string, destination: string): NsgRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol: '*',
    sourceAddresses: [source],
    destinationAddresses: [destination],
    sourcePorts: ['*'],
    destinationPorts: ['*'],
    sourceAsgIds: [],
    destinationAsgIds: [],
    isDefault: true,
  };
}

/** Azure's six default rules, used when the data carries no defaultSecurityRules. */
export const STANDARD_DEFAULT_RULES: readonly NsgRule[] = [
  standardRule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  standardRule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
  standardRule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
  standardRule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  standardRule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
  standardRule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
];

function isRule(value: NsgRule | SkippedNsgRule): value is NsgRule {
  return !('problem' in value);
}

/**
 * Reads an NSG's `properties`: securityRules and defaultSecurityRules (Azure's standard six when
 * absent or empty: Azure always has them). Each direction is sorted by ascending priority.
 */
export function parseNsg(id: string, name: string, properties: unknown): ParsedNsg {
  const problems: string[] = [];
  const skippedRules: SkippedNsgRule[] = [];
  const rules: NsgRule[] = [];
  const safeId = typeof id === 'string' ? id : '';
  const safeName = typeof name === 'string' ? name : '';
  try {
    const props = isObject(properties) ? properties : {};
    if (properties !== undefined && properties !== null && !isObject(properties)) problems.push('properties is not an object');
    const read = (field: string, isDefault: boolean): boolean => {
      const value = props[field];
      if (value === undefined || value === null) return false;
      if (!Array.isArray(value)) {
        problems.push(`${field} is not an array`);
        // Unreadable custom rules may hold anything: evaluation must not trust any verdict.
        if (!isDefault) skippedRules.push({ name: undefined, direction: undefined, priority: undefined, access: undefined, problem: `${field} is not an array` });
        return false;
      }
      if (value.length > MAX_RULES) {
        problems.push(`${field} has more than ${MAX_RULES} entries`);
        skippedRules.push({ name: undefined, direction: undefined, priority: undefined, access: undefined, problem: `${field} is too long` });
        return false;
      }
      value.forEach((entry, index) => {
        const parsed = readRule(entry, isDefault, `${field}[${index}]`);
        if (isRule(parsed)) {
          rules.push(parsed);
        } else {
          skippedRules.push(parsed);
          problems.push(parsed.problem);
        }
      });
      return value.length > 0;
    };
    read('securityRules', false);
    if (!read('defaultSecurityRules', true)) rules.push(...STANDARD_DEFAULT_RULES);
  } catch {
    // Defensive: a getter or proxy in hand-made input; the NSG becomes fully unknown.
    problems.push('properties could not be read');
    skippedRules.push({ name: undefined, direction: undefined, priority: undefined, access: undefined, problem: 'properties could not be read' });
  }
  const byPriority = (a: NsgRule, b: NsgRule): number => a.priority - b.priority;
  const inbound = rules.filter((rule) => rule.direction === 'Inbound').sort(byPriority);
  const outbound = rules.filter((rule) => rule.direction === 'Outbound').sort(byPriority);
  const parsed: ParsedNsg = { id: safeId, name: safeName, inbound, outbound, problems, skippedRules };
  fromParser.add(parsed);
  return parsed;
}

// NSGs this parser made: their rules have the checked shape (strings, arrays of strings), which
// lets evaluation compile each rule only when it reaches it.
const fromParser = new WeakSet<ParsedNsg>();

/** Whether parseNsg made this NSG (a hand-made one may hold anything). */
export function isFromParser(nsg: ParsedNsg): boolean {
  return fromParser.has(nsg);
}
