/**
 * Safe readers for external JSON. Inventory data is untrusted: any property may be missing,
 * null, of the wrong type or hostile. These never throw; they answer `undefined` instead.
 */

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks `path` ("a.b.c") through nested objects; undefined at the first missing or non-object step. */
export function pick(value: unknown, path: string): unknown {
  if (!path.includes('.')) return isObject(value) ? value[path] : undefined;
  let current: unknown = value;
  for (const key of pathKeys(path)) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

// Paths are a few hundred texts written in the readers, asked for once per row or more: each is
// split once, not once per call (splitting was a tenth of indexing an estate). Bounded and cleared
// when full because a caller may build a path from input.
const PATH_LIMIT = 1_000;
const pathKeyLists = new Map<string, readonly string[]>();

function pathKeys(path: string): readonly string[] {
  let keys = pathKeyLists.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    if (pathKeyLists.size >= PATH_LIMIT) pathKeyLists.clear();
    pathKeyLists.set(path, keys);
  }
  return keys;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-empty string, or undefined. */
export function asNonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Booleans, and their forms in untrusted JSON: "true"/"false", and 1/0 (Resource Notifications payloads write them so). */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const lowered = value.toLowerCase();
    if (lowered === 'true' || lowered === '1') return true;
    if (lowered === 'false' || lowered === '0') return false;
  }
  return undefined;
}

/**
 * Array.isArray for a value typed as a list that may still not be one at run time (a hand-made or
 * malformed object): unlike the built-in, it keeps the element type instead of narrowing to any[].
 */
export function isListOf<T>(value: readonly T[] | null | undefined): value is readonly T[] {
  return Array.isArray(value);
}

export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** Strings of an array, skipping anything else; [] when not an array. */
export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `{ id: "…" }` references as ARM writes them (subnet.id, networkSecurityGroup.id…). */
export function refId(value: unknown): string | undefined {
  return asNonEmptyString(pick(value, 'id'));
}
