/**
 * Table keys. Partition = subscription, so a sweep of S reads and writes one partition and can
 * batch its writes in entity-group transactions (≤ 100 entities of one partition). Row key =
 * SHA-256 of the case-folded resource ID, then the rule ID: all findings of one resource are a
 * contiguous key range (the event path reads them with one range query), and hostile IDs
 * never reach a key (Table keys forbid / \ # ? and control characters, and are at most 1 KiB).
 * The original IDs are stored as properties.
 */
import { createHash } from 'node:crypto';
import { idKey, subscriptionOf } from '../core/ids';

/** Row key of the per-partition marker (sorts before every finding: '!' < '0'). */
export const MARKER_ROW_KEY = '!partition';
/** Lower bound of finding row keys (hex digits): `RowKey ge FIRST_FINDING_ROW_KEY` skips the marker. */
export const FIRST_FINDING_ROW_KEY = '0';
/** Partition of findings whose resource ID names no subscription. */
export const NO_SUBSCRIPTION_PARTITION = 'no-subscription';

const SAFE_PARTITION = /^[0-9a-z][0-9a-z._-]{0,99}$/;

/** Partition key of a subscription ID (GUIDs pass through lowercased; anything odd is hashed). */
export function partitionKeyOfSubscription(subscriptionId: string): string {
  const key = subscriptionId.trim().toLowerCase();
  if (SAFE_PARTITION.test(key) && key !== NO_SUBSCRIPTION_PARTITION) return key;
  return `h-${sha256Hex(key).slice(0, 40)}`;
}

export function partitionKeyOfResource(resourceId: string): string {
  const subscription = subscriptionOf(resourceId);
  return subscription === undefined ? NO_SUBSCRIPTION_PARTITION : partitionKeyOfSubscription(subscription);
}

export function resourceHash(resourceId: string): string {
  return sha256Hex(idKey(resourceId));
}

/** Rule IDs are kebab-case with dots (docs/rules.md); anything else is hashed too. */
export function rowKeyOf(ruleId: string, resourceId: string): string {
  const rulePart = /^[a-z0-9][a-z0-9.-]{0,99}$/.test(ruleId) ? ruleId : `h-${sha256Hex(ruleId).slice(0, 40)}`;
  return `${resourceHash(resourceId)}_${rulePart}`;
}

/** Row-key range holding every finding of one resource: [low, high). */
export function resourceRowKeyRange(resourceId: string): { readonly low: string; readonly high: string } {
  const hash = resourceHash(resourceId);
  return { low: `${hash}_`, high: `${hash}~` };
}

/** Sweep records sort newest first within a subscription: the row key starts with the inverted start time. */
export function sweepRowKey(startedAt: Date, sweepId: string): string {
  return `${invertedTime(startedAt)}_${sha256Hex(sweepId).slice(0, 16)}`;
}

/** Sweep records of sweeps started after `time` have row keys below this (newest first in a partition). */
export function sweepRowKeyAfter(time: Date): string {
  return invertedTime(time);
}

function invertedTime(time: Date): string {
  return (9_999_999_999_999 - time.getTime()).toString().padStart(13, '0');
}

/** Table names: letters and digits only, 3–63 characters, starting with a letter. */
export function tableNames(prefix: string): { readonly findings: string; readonly sweeps: string; readonly suppressions: string; readonly remediations: string } {
  if (!/^[A-Za-z][A-Za-z0-9]{0,49}$/.test(prefix)) {
    throw new Error(`invalid table prefix '${prefix}': letters and digits only, starting with a letter, at most 50 characters`);
  }
  return { findings: `${prefix}findings`, sweeps: `${prefix}sweeps`, suppressions: `${prefix}suppressions`, remediations: `${prefix}remediations` };
}

/** JSON-escaped first, so IDs that differ only in lone surrogates (hostile input) hash apart. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(JSON.stringify(text), 'utf8').digest('hex');
}
