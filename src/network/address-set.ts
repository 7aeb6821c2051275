/**
 * Internal: a set of addresses as sorted, disjoint, merged ip-num ranges per family, so that
 * containment, overlap and "do these prefixes together cover that one" cost a binary search
 * each instead of a scan (NSGs of hundreds of rules against tags of thousands of prefixes).
 */
import { RangedSet } from 'ip-num';
import type { AbstractIPNum } from 'ip-num';
import type { CidrRecord } from './cidr';

type Range = RangedSet<AbstractIPNum>;

export interface AddressSet {
  readonly v4: readonly Range[];
  readonly v6: readonly Range[];
}

export const EMPTY_SET: AddressSet = { v4: [], v6: [] };

export function buildAddressSet(records: readonly CidrRecord[]): AddressSet {
  const v4: Range[] = [];
  const v6: Range[] = [];
  for (const record of records) (record.isV6 ? v6 : v4).push(record.range);
  return { v4: mergeRanges(v4), v6: mergeRanges(v6) };
}

/** Union of several sets (used once per index or rule, never per query). */
export function unionSets(sets: readonly AddressSet[]): AddressSet {
  if (sets.length === 1 && sets[0]) return sets[0];
  return {
    v4: mergeRanges(sets.flatMap((set) => set.v4)),
    v6: mergeRanges(sets.flatMap((set) => set.v6)),
  };
}

function mergeRanges(ranges: Range[]): Range[] {
  if (ranges.length <= 1) return ranges.slice();
  const sorted = ranges.slice().sort((a, b) => {
    if (a.getFirst().isLessThan(b.getFirst())) return -1;
    if (a.getFirst().isGreaterThan(b.getFirst())) return 1;
    return 0;
  });
  const merged: Range[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && (range.getFirst().isLessThanOrEquals(previous.getLast()) || previous.isConsecutive(range))) {
      if (range.getLast().isGreaterThan(previous.getLast())) {
        merged[merged.length - 1] = new RangedSet(previous.getFirst(), range.getLast());
      }
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** Index of the last range whose first address is ≤ ip, or -1. */
function lastStartingAtOrBefore(ranges: readonly Range[], ip: AbstractIPNum): number {
  let low = 0;
  let high = ranges.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle];
    if (range && range.getFirst().isLessThanOrEquals(ip)) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function familyOf(set: AddressSet, isV6: boolean): readonly Range[] {
  return isV6 ? set.v6 : set.v4;
}

/** Whether one merged range of `set` holds all of `range` (merged ranges make this exact for unions). */
export function setContains(set: AddressSet, range: Range, isV6: boolean): boolean {
  const ranges = familyOf(set, isV6);
  const candidate = ranges[lastStartingAtOrBefore(ranges, range.getFirst())];
  return candidate !== undefined && candidate.getLast().isGreaterThanOrEquals(range.getLast());
}

export function setOverlaps(set: AddressSet, range: Range, isV6: boolean): boolean {
  const ranges = familyOf(set, isV6);
  // The only candidates are the last range starting at or before `range` ends.
  const candidate = ranges[lastStartingAtOrBefore(ranges, range.getLast())];
  return candidate !== undefined && candidate.getLast().isGreaterThanOrEquals(range.getFirst());
}

/** Every range of `inner` (of the given families) lies in `outer`. Vacuously false when `inner` has none. */
export function setCoversSet(outer: AddressSet, inner: AddressSet, families: FamilyFilter): boolean {
  let any = false;
  if (families.v4) {
    for (const range of inner.v4) {
      if (!setContains(outer, range, false)) return false;
      any = true;
    }
  }
  if (families.v6) {
    for (const range of inner.v6) {
      if (!setContains(outer, range, true)) return false;
      any = true;
    }
  }
  return any;
}

export function setsOverlap(a: AddressSet, b: AddressSet, families: FamilyFilter): boolean {
  // Probe the smaller set's ranges into the larger one: O(small · log large).
  const check = (small: readonly Range[], large: AddressSet, isV6: boolean): boolean =>
    small.some((range) => setOverlaps(large, range, isV6));
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
