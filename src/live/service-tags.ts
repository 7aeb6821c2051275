import type { NetworkManagementClient } from '@azure/arm-network';
import { regionKey } from '../core/ids';
import { asNonEmptyString, isObject, pick, stringsOf } from '../core/json';
import type { ServiceTagEntry } from '../inventory/types';
import { describeError } from './graph';

/**
 * Service tags from the Network `serviceTags` API. Its `location` is only "a reference for
 * version": every call answers the whole cloud's list across all regions. So one call per cloud
 * serves every region in use (we try the next region only if one fails), cached in-process
 * for a day since Microsoft publishes the list weekly.
 */

const CACHE_TTL_MS = 24 * 60 * 60 * 1000;
const cache = new Map<string, { readonly at: number; readonly entries: readonly ServiceTagEntry[] }>();

export interface ServiceTagRead {
  readonly entries?: readonly ServiceTagEntry[];
  /** Set when the list could not be read (the regional checks then answer `unknown`). */
  readonly warning?: string;
  /** Network API calls made (0 when served from the cache). */
  readonly requests: number;
}

export async function readServiceTags(
  cacheKey: string,
  client: () => NetworkManagementClient,
  regions: readonly string[],
): Promise<ServiceTagRead> {
  const wanted = new Set(regions.map(regionKey));
  const cached = cache.get(cacheKey);
  if (cached && Date.now() - cached.at < CACHE_TTL_MS) return { entries: forRegions(cached.entries, wanted), requests: 0 };
  let requests = 0;
  let lastError: unknown;
  for (const region of regions) {
    requests++;
    try {
      const answer = await client().serviceTags.list(region);
      const entries = (answer.values ?? []).map(toEntry).filter((entry): entry is ServiceTagEntry => entry !== undefined);
      cache.set(cacheKey, { at: Date.now(), entries });
      return { entries: forRegions(entries, wanted), requests };
    } catch (error) {
      lastError = error;
    }
  }
  if (regions.length === 0) return { requests };
  return { warning: `service tags could not be read (${describeError(lastError)}); checks that need regional prefixes answer unknown`, requests };
}

/** Forgets cached lists (tests; long-running hosts that want this week's list now). */
export function clearServiceTagCache(): void {
  cache.clear();
}

/** Global entries and the regional entries of the regions in use: the rest only weighs. */
function forRegions(entries: readonly ServiceTagEntry[], regions: ReadonlySet<string>): ServiceTagEntry[] {
  return entries.filter((entry) => {
    const region = entry.properties.region;
    return region === undefined || region === '' || regions.has(regionKey(region));
  });
}

function toEntry(value: unknown): ServiceTagEntry | undefined {
  if (!isObject(value)) return undefined;
  const name = asNonEmptyString(value.name);
  if (name === undefined) return undefined;
  const id = asNonEmptyString(value.id);
  const region = asNonEmptyString(pick(value, 'properties.region'));
  const systemService = asNonEmptyString(pick(value, 'properties.systemService'));
  return {
    name,
    ...(id !== undefined ? { id } : {}),
    properties: {
      ...(region !== undefined ? { region } : {}),
      ...(systemService !== undefined ? { systemService } : {}),
      addressPrefixes: stringsOf(pick(value, 'properties.addressPrefixes')),
    },
  };
}
