/**
 * Shared fixtures of the network tests: a small, self-consistent service-tag list (Resource
 * Graph / Service Tags download shape) and builders of ARM NSG rule JSON.
 */
import { parseNsg } from '../../src/network';
import type { ParsedNsg, TrafficQuery } from '../../src/network';
import type { ServiceTagEntry } from '../../src/inventory/types';

function tag(name: string, region: string, addressPrefixes: string[]): ServiceTagEntry {
  return { name, id: name, properties: { region, systemService: '', addressPrefixes } };
}

export const TAGS: readonly ServiceTagEntry[] = [
  tag('Storage', '', ['20.38.98.0/24', '52.239.152.0/22', '20.60.0.0/24']),
  tag('Storage.EastUS', 'eastus', ['20.38.98.0/24', '52.239.152.0/22']),
  tag('Storage.WestUS', 'westus', ['20.60.0.0/24']),
  tag('BatchNodeManagement', '', ['20.41.0.0/24', '40.80.0.0/24', '52.180.0.0/24']),
  tag('BatchNodeManagement.EastUS', 'eastus', ['20.41.0.0/24', '40.80.0.0/24']),
  tag('BatchNodeManagement.WestUS', 'westus', ['52.180.0.0/24']),
  tag('AzureMachineLearning', '', ['20.50.0.0/24', '52.170.0.0/24', '2603:1030::/48']),
  tag('AzureMachineLearning.EastUS', 'eastus', ['20.50.0.0/24', '2603:1030::/48']),
  tag('AzureActiveDirectory', '', ['20.190.128.0/18', '2603:1006:2000::/48']),
  tag('AzureFrontDoor.Frontend', '', ['13.107.246.0/24']),
  tag('AzureFrontDoor.Backend', '', ['147.243.0.0/16']),
  tag('Sql', '', ['104.40.0.0/24']),
  tag('AzureCloud', '', ['13.0.0.0/8', '20.0.0.0/8', '40.0.0.0/8', '52.0.0.0/8', '104.0.0.0/8', '147.243.0.0/16', '2603::/16']),
  tag('AzureCloud.eastus', 'eastus', ['20.38.0.0/16', '20.41.0.0/16', '20.50.0.0/16', '40.80.0.0/16', '52.239.0.0/16', '2603:1030::/32']),
  tag('AzureCloud.westus', 'westus', ['20.60.0.0/16', '52.180.0.0/16']),
];

export interface RuleSpec {
  name?: string;
  priority: number;
  direction?: 'Inbound' | 'Outbound';
  access?: 'Allow' | 'Deny';
  protocol?: string;
  source?: string | string[];
  destination?: string | string[];
  sourcePort?: string | string[];
  destinationPort?: string | string[];
  sourceAsgs?: string[];
  destinationAsgs?: string[];
}

/** One security rule as ARM / Resource Graph writes it (singular or plural fields). */
export function armRule(spec: RuleSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    priority: spec.priority,
    direction: spec.direction ?? 'Inbound',
    access: spec.access ?? 'Allow',
    protocol: spec.protocol ?? 'Tcp',
    provisioningState: 'Succeeded',
  };
  const put = (singular: string, plural: string, value: string | string[] | undefined, fallback: string | undefined): void => {
    const chosen = value ?? fallback;
    if (chosen === undefined) return;
    if (Array.isArray(chosen)) {
      properties[singular] = '';
      properties[plural] = chosen;
    } else {
      properties[singular] = chosen;
      properties[plural] = [];
    }
  };
  put('sourceAddressPrefix', 'sourceAddressPrefixes', spec.source, spec.sourceAsgs ? undefined : '*');
  put('destinationAddressPrefix', 'destinationAddressPrefixes', spec.destination, spec.destinationAsgs ? undefined : '*');
  put('sourcePortRange', 'sourcePortRanges', spec.sourcePort, '*');
  put('destinationPortRange', 'destinationPortRanges', spec.destinationPort, '*');
  if (spec.sourceAsgs) properties.sourceApplicationSecurityGroups = spec.sourceAsgs.map((id) => ({ id }));
  if (spec.destinationAsgs) properties.destinationApplicationSecurityGroups = spec.destinationAsgs.map((id) => ({ id }));
  return { name: spec.name ?? `rule-${spec.priority}`, id: `/x/securityRules/${spec.name ?? spec.priority}`, properties };
}

export const NSG_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg1';

export function nsgOf(rules: readonly RuleSpec[], name = 'nsg1'): ParsedNsg {
  return parseNsg(NSG_ID.replace('nsg1', name), name, { securityRules: rules.map(armRule) });
}

export const SUBNET = '10.0.1.0/24';

export function inbound(tagName: string, from: number, to = from, extra: Partial<TrafficQuery> = {}): TrafficQuery {
  return {
    direction: 'Inbound',
    protocol: 'Tcp',
    ports: { from, to },
    peer: { kind: 'service-tag', tag: tagName },
    localPrefixes: [SUBNET],
    region: 'eastus',
    ...extra,
  };
}

export function outbound(tagName: string, port: number, extra: Partial<TrafficQuery> = {}): TrafficQuery {
  return {
    direction: 'Outbound',
    protocol: 'Tcp',
    ports: { from: port, to: port },
    peer: { kind: 'service-tag', tag: tagName },
    localPrefixes: [SUBNET],
    region: 'eastus',
    ...extra,
  };
}

export function internetQuery(direction: 'Inbound' | 'Outbound', port: number, extra: Partial<TrafficQuery> = {}): TrafficQuery {
  return {
    direction,
    protocol: 'Tcp',
    ports: { from: port, to: port },
    peer: { kind: 'internet' },
    localPrefixes: [SUBNET],
    region: 'eastus',
    ...extra,
  };
}
