/**
 * Address math: parsing CIDRs and bare IPs, overlap, containment, counting. Every computation on
 * addresses goes through ip-num (docs/ARCHITECTURE.md); this file only validates text and formats results.
 */
import { IPv4, IPv4CidrRange, IPv4Prefix, IPv6, IPv6CidrRange, IPv6Prefix } from 'ip-num';
import type { AbstractIPNum, RangedSet } from 'ip-num';
import type { ParsedCidr } from './types';

/**
 * A parsed CIDR: its bounds as the numbers ip-num gives its addresses (`IPNumber.value`), which
 * the other files of this module compare, and its ip-num range, built on first use.
 */
export interface CidrRecord {
  readonly parsed: ParsedCidr;
  readonly isV6: boolean;
  /** First and last address of the range (ip-num's `getFirst().value` and `getLast().value`). */
  readonly first: bigint;
  readonly last: bigint;
  readonly range: RangedSet<AbstractIPNum>;
}

// ip-num builds its addresses through binary strings (~20 µs a CIDR) while most records are only
// compared: the range is made the first time something asks for it.
class LazyRangeRecord implements CidrRecord {
  private built: RangedSet<AbstractIPNum> | undefined;
  constructor(
    readonly parsed: ParsedCidr,
    readonly isV6: boolean,
    readonly first: bigint,
    readonly last: bigint,
    private readonly build: () => RangedSet<AbstractIPNum>,
  ) {}
  get range(): RangedSet<AbstractIPNum> {
    this.built ??= this.build();
    return this.built;
  }
}

// Shape checks before ip-num: they bound the work on hostile strings (10k characters) and reject
// forms ip-num would accept but Azure would not (zone IDs, surrounding text).
const IPV4_TEXT = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/;
const IPV6_TEXT = /^([0-9A-Fa-f:.]{2,45})(?:\/(\d{1,3}))?$/;
const MAX_CIDR_TEXT = 50;

// Parsing costs ~20 µs (IPv4) to ~70 µs (IPv6) in ip-num, and an estate repeats the same prefixes
// thousands of times (NSG rules, subnets, tag data). A bounded memo keeps results identical and
// the cost linear; it is cleared, not evicted, when full, which only costs re-parsing.
const MEMO_LIMIT = 100_000;
const memo = new Map<string, CidrRecord | null>();

/** The internal record of a CIDR or bare IP, or undefined when malformed. */
export function cidrRecord(text: unknown): CidrRecord | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_CIDR_TEXT + 8) return undefined;
  const cached = memo.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const record = parseRecord(text.trim());
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, record ?? null);
  return record;
}

function parseRecord(text: string): CidrRecord | undefined {
  if (text.length === 0 || text.length > MAX_CIDR_TEXT) return undefined;
  try {
    const v4 = IPV4_TEXT.exec(text);
    if (v4) {
      const address = v4[1] ?? '';
      const length = v4[2] === undefined ? 32 : Number(v4[2]);
      if (length > 32) return undefined;
      // ip-num does the address math (the project's rule: one library for address math); its values become the bounds the module compares.
      const ip = IPv4.fromString(address);
      const cidr = new IPv4CidrRange(ip, new IPv4Prefix(BigInt(length)));
      const network = cidr.getFirst();
      const networkAddress = network.toString();
      const parsed: ParsedCidr = {
        text,
        family: 'IPv4',
        prefixLength: length,
        networkAddress,
        cidr: `${networkAddress}/${length}`,
        isCanonical: network.isEquals(ip),
        isSingleAddress: v4[2] === undefined,
      };
      return new LazyRangeRecord(parsed, false, network.value, cidr.getLast().value, () => cidr.toRangeSet());
    }
    const v6 = IPV6_TEXT.exec(text);
    if (v6 && text.includes(':')) {
      const address = v6[1] ?? '';
      const length = v6[2] === undefined ? 128 : Number(v6[2]);
      if (length > 128) return undefined;
      const ip = IPv6.fromString(address);
      const cidr = new IPv6CidrRange(ip, new IPv6Prefix(BigInt(length)));
      const network = cidr.getFirst();
      const networkAddress = formatIpv6(network);
      const range = cidr.toRangeSet();
      return {
        isV6: true,
        first: network.value,
        last: cidr.getLast().value,
        range,
        parsed: {
          text,
          family: 'IPv6',
          prefixLength: length,
          networkAddress,
          cidr: `${networkAddress}/${length}`,
          isCanonical: network.isEquals(ip),
          isSingleAddress: v6[2] === undefined,
        },
      };
    }
  } catch {
    // ip-num throws on invalid octets, hexadecatets and prefixes: that is "malformed".
  }
  return undefined;
}



/** RFC 5952 text: lowercase, the longest run (two or more) of zero groups as "::". */
function formatIpv6(ip: IPv6): string {
  // ip-num's hexadecatets are not padded for values built from a number; its 128-bit binary string is.
  const bits = ip.toBinaryString().padStart(128, '0');
  const groups: number[] = [];
  for (let offset = 0; offset < 128; offset += 16) groups.push(parseInt(bits.slice(offset, offset + 16), 2));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; ) {
    if (groups[start] !== 0) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < groups.length && groups[end] === 0) end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Formats an address of a record's family the way parseCidr does. */
export function formatAddress(ip: AbstractIPNum): string {
  return ip instanceof IPv6 ? formatIpv6(ip) : (ip as IPv4).toString();
}

/** A CIDR or bare IP (IPv4 or IPv6); undefined when malformed. A bare IP is a /32 or /128. */
export function parseCidr(text: string): ParsedCidr | undefined {
  return cidrRecord(text)?.parsed;
}

/** True for a bare IPv4 or IPv6 address (no "/len"). */
export function isIpAddress(text: string): boolean {
  return cidrRecord(text)?.parsed.isSingleAddress === true;
}

/** Whether two prefixes share an address; undefined when either is malformed. Different families never overlap. */
export function cidrsOverlap(a: string, b: string): boolean | undefined {
  const left = cidrRecord(a);
  const right = cidrRecord(b);
  if (!left || !right) return undefined;
  if (left.isV6 !== right.isV6) return false;
  // CIDR ranges are nested or disjoint, so ip-num's isOverlapping (partial overlap or containment) is this.
  return left.first <= right.last && right.first <= left.last;
}

/** Whether `outer` contains every address of `inner` (an IP or a CIDR); undefined when either is malformed. */
export function cidrContains(outer: string, inner: string): boolean | undefined {
  const container = cidrRecord(outer);
  const contained = cidrRecord(inner);
  if (!container || !contained) return undefined;
  if (container.isV6 !== contained.isV6) return false;
  return container.first <= contained.first && contained.last <= container.last;
}

/** Whether the bare IP `ip` lies in `cidr`; undefined when `ip` is not a bare IP or `cidr` is malformed. */
export function ipInCidr(ip: string, cidr: string): boolean | undefined {
  const address = cidrRecord(ip);
  if (!address || !address.parsed.isSingleAddress) return undefined;
  return cidrContains(cidr, ip);
}

/** Whether two texts name the same single address ("10.0.0.10" and "2001:db8::1" forms); undefined when either is not a bare IP. */
export function sameIpAddress(a: string, b: string): boolean | undefined {
  const left = cidrRecord(a);
  const right = cidrRecord(b);
  if (!left?.parsed.isSingleAddress || !right?.parsed.isSingleAddress) return undefined;
  return left.isV6 === right.isV6 && left.first === right.first && left.last === right.last;
}

/** The network address of a prefix ("10.0.0.5/24" → "10.0.0.0"); undefined when malformed. */
export function networkAddressOf(cidr: string): string | undefined {
  return cidrRecord(cidr)?.parsed.networkAddress;
}

/**
 * The address after the network address ("10.0.0.0/24" → "10.0.0.1"), which Azure reserves for the
 * gateway (aks.dns-ip-in-service-cidr). Undefined when malformed or when the prefix holds a single address.
 */
export function firstHostAddressOf(cidr: string): string | undefined {
  const record = cidrRecord(cidr);
  if (!record) return undefined;
  const network = record.range.getFirst();
  if (!network.hasNext()) return undefined;
  const next = network.nextIPNumber();
  if (!next.isLessThanOrEquals(record.range.getLast())) return undefined;
  return formatAddress(next);
}

/** Azure reserves five addresses in every subnet (network, gateway, two DNS, broadcast). */
const AZURE_RESERVED_PER_SUBNET = 5;

/**
 * Σ over IPv4 prefixes of (2^(32−len) − 5) (docs/rules.md, compute.subnet-capacity). IPv6 prefixes
 * and malformed entries are ignored; a prefix too small to hold the reserved five counts 0 rather than
 * a negative number. Undefined when no IPv4 prefix parses.
 */
export function usableAddressCount(prefixes: readonly string[]): number | undefined {
  if (!Array.isArray(prefixes)) return undefined;
  let total: number | undefined;
  for (const prefix of prefixes) {
    const record = cidrRecord(prefix);
    if (!record || record.isV6) continue;
    const usable = Number(record.last - record.first + 1n) - AZURE_RESERVED_PER_SUBNET;
    total = (total ?? 0) + Math.max(usable, 0);
  }
  return total;
}
