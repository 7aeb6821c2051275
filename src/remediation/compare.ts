import { isObject } from '../core/json';
import type { JsonValue } from '../core/types';

/**
 * Whether two readings of the same properties say the same thing, as ARM writes them back:
 * ARM adds etags, provisioning states and ids of children, writes empty arrays for lists never
 * set, and may change the case of IDs and enum values. None of that is a change a plan cares
 * about; anything else is.
 */

const IGNORED = new Set(['etag', 'provisioningstate', 'id', 'type', 'resourceguid']);

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize).filter((item) => item !== undefined);
    if (items.length === 0) return undefined;
    // Collections of named children compare as sets: ARM may list them in another order.
    return items.every((item) => isObject(item) && typeof item.name === 'string')
      ? [...items].sort((a, b) => String((a as { name: string }).name).localeCompare(String((b as { name: string }).name)))
      : items;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (IGNORED.has(key.toLowerCase())) continue;
      const entry = normalize(value[key]);
      if (entry !== undefined) out[key] = entry;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (value === null || value === undefined || value === '') return undefined;
  return typeof value === 'string' ? value.toLowerCase() : value;
}

export function sameState(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/**
 * Whether `actual` already holds everything `wanted` sets (a write that would change nothing):
 * every key of `wanted` equal in `actual`, recursively; arrays must be equal as a whole.
 */
export function holds(actual: unknown, wanted: JsonValue): boolean {
  if (isObject(wanted)) {
    if (!isObject(actual)) return normalize(wanted) === undefined;
    return Object.entries(wanted).every(([key, value]) => IGNORED.has(key.toLowerCase()) || holds(actual[key], value));
  }
  return sameState(actual, wanted);
}
