/**
 * Azure resource IDs are case-insensitive (docs/rules.md): two IDs that differ only in case
 * are the same resource. Every index in the estate is keyed by `idKey`.
 */

export function idKey(id: string): string {
  // Hot path (millions of calls on a large estate): skip trim and the regex unless needed.
  const first = id.charCodeAt(0);
  const last = id.charCodeAt(id.length - 1);
  if (first > 32 && last > 32 && last !== 47 /* '/' */) return id.toLowerCase();
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && idKey(a) === idKey(b);
}

/** "/subscriptions/S/…" → "s" (lowercased), or undefined when the ID has no subscription segment. */
export function subscriptionOf(id: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)/i.exec(id.trim());
  return match?.[1]?.toLowerCase();
}

export function resourceGroupOf(id: string): string | undefined {
  const match = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(id.trim());
  return match?.[1]?.toLowerCase();
}

/** The ID of the parent resource: ".../virtualNetworks/v/subnets/s" → ".../virtualNetworks/v". */
export function parentId(id: string): string | undefined {
  const parts = id.trim().replace(/\/+$/, '').split('/');
  if (parts.length < 11) return undefined;
  return parts.slice(0, -2).join('/');
}

/** The last segment: the resource's own name. */
export function nameOf(id: string): string {
  // Hot path: printable ASCII at both ends and no trailing '/' need neither trim nor the regex.
  const first = id.charCodeAt(0);
  const last = id.charCodeAt(id.length - 1);
  if (first > 32 && first < 127 && last > 32 && last < 127 && last !== 47 /* '/' */) return id.slice(id.lastIndexOf('/') + 1);
  const parts = id.trim().replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] ?? '';
}

/** Azure writes regions as "East US 2" or "eastus2"; service tags as "EastUS2". Compare as "eastus2". */
export function regionKey(region: string): string {
  return region.replace(/[\s_-]/g, '').toLowerCase();
}

/**
 * "…/providers/Microsoft.Network/virtualNetworks/v/subnets/s" → "microsoft.network/virtualnetworks/subnets".
 * Extension resources take the type of their last provider segment:
 * "…/virtualNetworks/v/providers/Microsoft.Authorization/roleAssignments/x" → "microsoft.authorization/roleassignments".
 */
export function typeFromId(id: string): string | undefined {
  const match = /^.*\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  const segments = match[2].split('/');
  const types: string[] = [];
  for (let i = 0; i < segments.length; i += 2) {
    const segment = segments[i];
    if (segment) types.push(segment);
  }
  return `${match[1]}/${types.join('/')}`.toLowerCase();
}

/**
 * What to read for a changed resource: children the estate judges through their parent are read
 * as the parent (subnets with their VNet, security rules with their NSG, routes with their route
 * table, private endpoint connections with the resource they connect to, agent pools with their
 * AKS cluster); everything else, role assignments at any scope included, as itself.
 */
export function resourceToReadFor(id: string): string {
  const trimmed = id.trim().replace(/\/+$/, '');
  const child =
    /^(.*\/providers\/microsoft\.network\/(?:virtualnetworks|networksecuritygroups|routetables)\/[^/]+)\/(?:subnets|securityrules|routes)\/[^/]+$/i.exec(trimmed) ??
    /^(.*\/providers\/microsoft\.[^/]+\/[^/]+\/[^/]+)\/privateendpointconnections\/[^/]+$/i.exec(trimmed) ??
    /^(.*\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+)\/agentpools\/[^/]+$/i.exec(trimmed);
  return child?.[1] ?? trimmed;
}
