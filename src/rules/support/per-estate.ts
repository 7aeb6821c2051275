import type { Estate } from '../../estate';

/**
 * Several rules select the same subjects (nine NSG rules ask for the subnets hosting computes).
 * A subject set is a pure function of the estate, which is immutable, so it is computed once per
 * estate and shared. Keyed by the estate object in a WeakMap: nothing outlives the estate, and
 * two audits never see each other's sets.
 */
const caches = new WeakMap<Estate, Map<string, unknown>>();

export function perEstate<T>(estate: Estate, key: string, compute: () => T): T {
  let cache = caches.get(estate);
  if (cache === undefined) {
    cache = new Map();
    caches.set(estate, cache);
  }
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}
