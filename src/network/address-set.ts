/**
 * Internal: a set of addresses as sorted, disjoint, merged runs of ip-num address values per family, so that
 * containment, overlap and "do these prefixes together cover that one" cost a binary search
 * each instead of a scan (NSGs of hundreds of rules against tags of thousands of prefixes).
 */
import type { CidrRecord } from './cidr';

/** A run of addresses [first, last], as ip-num address values (CidrRecord bounds). */
interface Span {
  readonly first: bigint;
  readonly last: bigint;
}

export interface AddressSet {
  readonly v4: readonly Span[];
  readonly v6: readonly Span[];
}

export const EMPTY_SET: AddressSet = { v4: [], v6: [] };

export function buildAddressSet(records: readonly CidrRecord[]): AddressSet {
  const v4: Span[] = [];
  const v6: Span[] = [];
  for (const record of records) {
    (record.isV6 ? v6 : v4).push({ first: record.first, last: record.last });
  }
  return { v4: mergeSpans(v4), v6: mergeSpans(v6) };
}

/** Union of several sets (used once per index or rule, never per query). */
export function unionSets(sets: readonly AddressSet[]): AddressSet {
  if (sets.length === 1 && sets[0]) return sets[0];
  return {
    v4: mergeSpans(sets.flatMap((set) => set.v4)),
    v6: mergeSpans(sets.flatMap((set) => set.v6)),
  };
}

/** Sorted, disjoint spans; overlapping and adjacent ones merged (so a union is tested as one span). */
function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans.slice();
  const sorted = spans.slice().sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: Span[] = [];
  for (const span of sorted) {
    const previous = merged[merged.length - 1];
    // Adjacent runs merge too: the address after `last` is last + 1 (none after the end of the space).
    const touches = previous !== undefined && span.first <= previous.last + 1n;
    if (previous && touches) {
      if (span.last > previous.last) merged[merged.length - 1] = { first: previous.first, last: span.last };
    } else {
      merged.push(span);
    }
  }
  return merged;
}

/** Index of the last range whose first address is ≤ ip, or -1. */
function lastStartingAtOrBefore(ranges: readonly Span[], ip: bigint): number {
  let low = 0;
  let high = ranges.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle];
    if (range && range.first <= ip) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function familyOf(set: AddressSet, isV6: boolean): readonly Span[] {
  return isV6 ? set.v6 : set.v4;
}

/** Whether one merged span of `set` holds all of [first, last] (merging makes this exact for unions). */
function spanContains(set: AddressSet, first: bigint, last: bigint, isV6: boolean): boolean {
  const spans = familyOf(set, isV6);
  const candidate = spans[lastStartingAtOrBefore(spans, first)];
  return candidate !== undefined && candidate.last >= last;
}

function spanOverlaps(set: AddressSet, first: bigint, last: bigint, isV6: boolean): boolean {
  const spans = familyOf(set, isV6);
  // The only candidate is the last span starting at or before `last`.
  const candidate = spans[lastStartingAtOrBefore(spans, last)];
  return candidate !== undefined && candidate.last >= first;
}

/** Whether the set holds every address of the record (of the record's family). */
export function setContains(set: AddressSet, record: CidrRecord): boolean {
  return spanContains(set, record.first, record.last, record.isV6);
}

export function setOverlaps(set: AddressSet, record: CidrRecord): boolean {
  return spanOverlaps(set, record.first, record.last, record.isV6);
}

/** Every range of `inner` (of the given families) lies in `outer`. Vacuously false when `inner` has none. */
export function setCoversSet(outer: AddressSet, inner: AddressSet, families: FamilyFilter): boolean {
  let any = false;
  if (families.v4) {
    for (const span of inner.v4) {
      if (!spanContains(outer, span.first, span.last, false)) return false;
      any = true;
    }
  }
  if (families.v6) {
    for (const span of inner.v6) {
      if (!spanContains(outer, span.first, span.last, true)) return false;
      any = true;
    }
  }
  return any;
}

export function setsOverlap(a: AddressSet, b: AddressSet, families: FamilyFilter): boolean {
  // Probe the smaller set's ranges into the larger one: O(small · log large).
  const check = (small: readonly Span[], large: AddressSet, isV6: boolean): boolean =>
    small.some((span) => spanOverlaps(large, span.first, span.last, isV6));
  if (families.v4 && (a.v4.length <= b.v4.length ? check(a.v4, b, false) : check(b.v4, a, false))) return true;
  if (families.v6 && (a.v6.length <= b.v6.length ? check(a.v6, b, true) : check(b.v6, a, true))) return true;
  return false;
}

/** Which address families a comparison considers (the families of the subnet's own prefixes). */
export interface FamilyFilter {
  readonly v4: boolean;
  readonly v6: boolean;
}

export const BOTH_FAMILIES: FamilyFilter = { v4: true, v6: true };

export function hasFamily(set: AddressSet, families: FamilyFilter): boolean {
  return (families.v4 && set.v4.length > 0) || (families.v6 && set.v6.length > 0);
}
