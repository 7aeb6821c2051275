/**
 * Suppressions: a rule (or `*`) on a scope (a resource, a resource group or a subscription), with
 * a reason, who, and an expiry. They are matched when findings are read, not written into the
 * findings, so adding one takes effect at once and an expired one stops applying by itself.
 */
import { idKey } from '../core/ids';
import { asString } from '../core/json';
import type { Suppression, SuppressionInfo } from './types';

/** Every rule. */
export const ANY_RULE = '*';

const BARE_SUBSCRIPTION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The case-folded scope a suppression covers, or an error message. A bare subscription GUID
 * means `/subscriptions/GUID`.
 */
export function normalizeScope(scope: string): { readonly key: string } | { readonly error: string } {
  const trimmed = scope.trim().replace(/\/+$/, '');
  if (BARE_SUBSCRIPTION.test(trimmed)) return { key: `/subscriptions/${trimmed.toLowerCase()}` };
  // Only shapes a resource ID can have: anything else would be accepted and never match a finding.
  if (!SCOPE_SHAPE.test(trimmed)) {
    return {
      error: `scope '${trimmed}' is not a subscription (GUID or /subscriptions/GUID), a resource group (/subscriptions/GUID/resourceGroups/NAME) or a resource ID (…/providers/NAMESPACE/TYPE/NAME)`,
    };
  }
  return { key: idKey(trimmed) };
}

const SCOPE_SHAPE = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\/resourcegroups\/[^/]+(\/providers\/[^/]+(\/[^/]+\/[^/]+)+)?)?$/i;

/** A resource is covered by its own ID and by any ancestor scope (resource group, subscription, parent resource). */
export function scopeCovers(scopeKey: string, resourceKey: string): boolean {
  return resourceKey === scopeKey || resourceKey.startsWith(`${scopeKey}/`);
}

export function isActive(suppression: Suppression, now: Date): boolean {
  return suppression.expiresOn > now.toISOString();
}

/**
 * The active suppression covering (ruleId, resource), the one lasting longest when several do.
 */
export function matchSuppression(
  suppressions: readonly Suppression[],
  ruleId: string,
  resourceId: string,
  now: Date,
): SuppressionInfo | null {
  const resourceKey = idKey(resourceId);
  let best: Suppression | undefined;
  for (const suppression of suppressions) {
    if (!isActive(suppression, now)) continue;
    if (suppression.ruleId !== ANY_RULE && suppression.ruleId !== ruleId) continue;
    const scope = normalizeScope(suppression.scope);
    if (!('key' in scope) || !scopeCovers(scope.key, resourceKey)) continue;
    if (best === undefined || suppression.expiresOn > best.expiresOn) best = suppression;
  }
  return best === undefined ? null : { id: best.id, reason: best.reason, createdBy: best.createdBy, expiresOn: best.expiresOn };
}

/** A suppression as the suppressions table holds it; undefined for a row missing what it needs. */
export function suppressionFromEntity(entity: Readonly<Record<string, unknown>>): Suppression | undefined {
  const id = asString(entity.rowKey);
  const ruleId = asString(entity.ruleId);
  const scope = asString(entity.scope);
  const expiresOn = asString(entity.expiresOn);
  if (id === undefined || ruleId === undefined || scope === undefined || expiresOn === undefined) return undefined;
  return {
    id,
    ruleId,
    scope,
    reason: asString(entity.reason) ?? '',
    createdBy: asString(entity.createdBy) ?? '',
    createdAt: asString(entity.createdAt) ?? '',
    expiresOn,
  };
}
