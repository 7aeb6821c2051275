import type { FirewalledResource } from '../../estate';

/**
 * docs/rules.md, "Secured": `defaultAction` is Deny, or `publicNetworkAccess` is Disabled.
 * A missing firewall section means Azure's default, Allow. Answers 'unknown' when the section
 * is present but malformed, so no rule guesses.
 */
export function securedState(resource: FirewalledResource): 'secured' | 'open' | 'unknown' {
  if (resource.publicNetworkAccess?.toLowerCase() === 'disabled') return 'secured';
  if (resource.networkAclsMalformed) return 'unknown';
  if (resource.defaultAction === undefined) return 'open';
  return resource.defaultAction.toLowerCase() === 'deny' ? 'secured' : 'open';
}
