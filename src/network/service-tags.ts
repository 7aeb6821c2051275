/**
 * Service tags (docs/rules.md, "How traffic through an NSG is judged"): names are
 * case-insensitive; a regional tag is `Tag.Region`, but a dot is not always a region
 * (`AzureFrontDoor.Frontend`). With data, an entry is regional when `properties.region` is set.
 */
import { regionKey } from '../core/ids';
import { isObject, stringsOf } from '../core/json';
import type { ServiceTagEntry } from '../inventory/types';
import { buildAddressSet } from './address-set';
import type { AddressSet } from './address-set';
import { cidrRecord } from './cidr';
import type { CidrRecord } from './cidr';
import { isKnownRegion } from './regions';
import type { ServiceTagIndex } from './types';

interface TagData {
  readonly name: string;
  /** regionKey of properties.region; undefined for a non-regional entry. */
  readonly region: string | undefined;
  readonly prefixes: string[];
}

const MAX_TAG_NAME = 128;

/** Lowercased tag name used as key everywhere in this module. */
export function tagKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Splits `Tag.Region` by the built-in list of Azure regions: `Storage.EastUS` → {Storage, EastUS};
 * `AzureFrontDoor.Frontend` and `Storage` → undefined.
 */
export function splitRegionalTag(name: string): { base: string; region: string } | undefined {
  if (typeof name !== 'string' || name.length > MAX_TAG_NAME) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  const region = name.slice(dot + 1);
  if (!isKnownRegion(region)) return undefined;
  return { base: name.slice(0, dot), region };
}

class TagIndex implements ServiceTagIndex {
  readonly hasData: boolean;
  private readonly byName = new Map<string, TagData>();
  /** base key → region key → entry key. */
  private readonly regional = new Map<string, Map<string, string>>();
  /** Aggregated address sets, computed once per tag and index (the "precompute per index"). */
  private readonly sets = new Map<string, AddressSet | null>();

  constructor(entries: readonly unknown[]) {
    for (const entry of entries) {
      if (!isObject(entry) || typeof entry.name !== 'string') continue;
      const name = entry.name.trim();
      if (name.length === 0 || name.length > MAX_TAG_NAME) continue;
      const properties = isObject(entry.properties) ? entry.properties : {};
      const region = typeof properties.region === 'string' && properties.region.trim() !== '' ? regionKey(properties.region) : undefined;
      const prefixes = stringsOf(properties.addressPrefixes);
      const key = tagKey(name);
      const existing = this.byName.get(key);
      if (existing) {
        existing.prefixes.push(...prefixes);
        continue;
      }
      this.byName.set(key, { name, region, prefixes });
      const dot = name.lastIndexOf('.');
      if (region !== undefined && dot > 0) {
        const base = tagKey(name.slice(0, dot));
        let regions = this.regional.get(base);
        if (!regions) {
          regions = new Map();
          this.regional.set(base, regions);
        }
        regions.set(region, key);
        // Tags also name their region in the suffix ("AzureCloud.eastus"); index both spellings.
        regions.set(regionKey(name.slice(dot + 1)), key);
      }
    }
    this.hasData = this.byName.size > 0;
  }

  prefixesOf(tagName: string): readonly string[] | undefined {
    if (typeof tagName !== 'string') return undefined;
    return this.byName.get(tagKey(tagName))?.prefixes;
  }

  regionalPrefixes(tag: string, region: string | undefined): readonly string[] | undefined {
    const key = this.regionalKeyOf(tag, region);
    return key === undefined ? undefined : this.byName.get(key)?.prefixes;
  }

  /** The entry key regionalPrefixes(tag, region) reads. */
  regionalKeyOf(tag: string, region: string | undefined): string | undefined {
    if (!this.hasData || typeof tag !== 'string') return undefined;
    const key = tagKey(tag);
    const own = this.byName.get(key);
    if (own?.region !== undefined) return key;
    if (region !== undefined) {
      const regionalKey = this.regional.get(key)?.get(regionKey(region));
      if (regionalKey !== undefined) return regionalKey;
    }
    return own ? key : undefined;
  }

  /** With data: whether the data knows this name, and if so whether it is a regional entry. */
  regionOfEntry(name: string): { known: boolean; region: string | undefined } {
    const entry = this.byName.get(tagKey(name));
    return { known: entry !== undefined, region: entry?.region };
  }

  setOf(key: string): AddressSet | undefined {
    const cached = this.sets.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const entry = this.byName.get(key);
    const set = entry ? buildAddressSet(entry.prefixes.map(cidrRecord).filter(isRecord)) : undefined;
    this.sets.set(key, set ?? null);
    return set;
  }
}

function isRecord(record: CidrRecord | undefined): record is CidrRecord {
  return record !== undefined;
}

/** Builds the index of the inventory's service-tag list; `hasData` is false when there is none. */
export function buildServiceTagIndex(entries: readonly ServiceTagEntry[] | undefined): ServiceTagIndex {
  return new TagIndex(Array.isArray(entries) ? entries : []);
}

// Indexes not built here (a rule test's own stub) still work, with their sets cached per object.
const foreignSets = new WeakMap<ServiceTagIndex, Map<string, AddressSet | null>>();

function foreignSet(index: ServiceTagIndex, cacheKey: string, prefixes: () => readonly string[] | undefined): AddressSet | undefined {
  let cache = foreignSets.get(index);
  if (!cache) {
    cache = new Map();
    foreignSets.set(index, cache);
  }
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached ?? undefined;
  const list = prefixes();
  const set = list ? buildAddressSet(list.map(cidrRecord).filter(isRecord)) : undefined;
  cache.set(cacheKey, set ?? null);
  return set;
}

/** Addresses of the tag named exactly `name`; undefined without data or when the data lacks it. */
export function tagAddressSet(index: ServiceTagIndex | undefined, name: string): AddressSet | undefined {
  if (!index?.hasData) return undefined;
  if (index instanceof TagIndex) return index.setOf(tagKey(name));
  return foreignSet(index, `n:${tagKey(name)}`, () => index.prefixesOf(name));
}

/** Addresses of T.R (else T), as regionalPrefixes answers; undefined without data. */
export function regionalAddressSet(index: ServiceTagIndex | undefined, tag: string, region: string | undefined): AddressSet | undefined {
  if (!index?.hasData) return undefined;
  if (index instanceof TagIndex) {
    const key = index.regionalKeyOf(tag, region);
    return key === undefined ? undefined : index.setOf(key);
  }
  return foreignSet(index, `r:${tagKey(tag)}|${region === undefined ? '' : regionKey(region)}`, () => index.regionalPrefixes(tag, region));
}

/**
 * Whether `name` is a regional tag: with data that knows the name, by `properties.region`;
 * otherwise by the built-in region list.
 */
export function regionalParts(index: ServiceTagIndex | undefined, name: string): { base: string; region: string } | undefined {
  if (index instanceof TagIndex && index.hasData) {
    const entry = index.regionOfEntry(name);
    if (entry.known) {
      if (entry.region === undefined) return undefined;
      const dot = name.lastIndexOf('.');
      return dot > 0 ? { base: name.slice(0, dot), region: entry.region } : undefined;
    }
  }
  return splitRegionalTag(name);
}
