import { isRestError } from '@azure/core-rest-pipeline';
import { idKey, resourceToReadFor, subscriptionOf } from '../core/ids';
import { resourceTypeEntry } from '../inventory/resource-types';
import type { ResourceRow } from '../inventory/types';
import type { ArmGetClient } from './clients';
import { isGone } from './clients';
import { toGraphShape } from './computes';
import { asRow, describeError } from './graph';

/**
 * Reading changed resources from Azure Resource Manager by ID: the event path's source of truth.
 * Resource Graph is eventually consistent (seconds, sometimes far longer), so a row read from it
 * the moment an event arrives may still be the old state; ARM answers with the state the
 * provider holds now, `sku`, `kind` and `identity` included. A 404 that says the resource is not
 * found means it is gone; any other 404 (an API version the cloud does not serve) is a failure.
 */

export interface ReadFailure {
  readonly id: string;
  readonly reason: string;
  /** Throttling, a server or network fault: the same read may work later. False: it will fail the same way (bad request, forbidden). */
  readonly transient: boolean;
}

export interface ArmReadResult {
  /** Rows found, in Resource Graph's shape (lowercased type, subscriptionId and resourceGroup columns). */
  readonly resources: readonly ResourceRow[];
  /** IDs (as read) that ARM answered 404 ResourceNotFound (or the like) for: deleted. */
  readonly missing: readonly string[];
  /** IDs that could not be read, one each, so one unreadable resource never fails the others. */
  readonly failures: readonly ReadFailure[];
  /** IDs of a type this auditor has no API version for: not read, not judged. */
  readonly unsupported: readonly string[];
}

/** GETs each resource (after resourceToReadFor), a few at a time. Never throws. */
export async function readFromArm(client: ArmGetClient, ids: readonly string[], typeOf: (id: string) => string | undefined, concurrency = 4): Promise<ArmReadResult> {
  const wanted = new Map<string, string>();
  for (const id of ids) {
    const target = resourceToReadFor(id);
    if (subscriptionOf(target) !== undefined || /^\/providers\//i.test(target)) wanted.set(idKey(target), target);
  }
  const targets = [...wanted.values()];
  const resources: ResourceRow[] = [];
  const missing: string[] = [];
  const failures: ReadFailure[] = [];
  const unsupported: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < targets.length) {
      const id = targets[next++] as string;
      const type = typeOf(id);
      const entry = type !== undefined ? resourceTypeEntry(type) : undefined;
      if (entry === undefined) {
        unsupported.push(id);
        continue;
      }
      try {
        const row = asRow(await client.getJson(`${encodeArmPath(id)}?api-version=${entry.apiVersion}`));
        if (row === undefined) failures.push({ id, reason: 'Azure Resource Manager answered without a resource id', transient: false });
        else resources.push(toGraphShape(row));
      } catch (error) {
        if (isGone(error)) missing.push(id);
        else failures.push({ id, reason: `reading from Azure Resource Manager: ${describeError(error)}`, transient: isTransient(error) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, targets.length)) }, worker));
  return { resources, missing, failures, unsupported };
}

/** Resource names may hold characters a URL path must escape; the slashes between segments stay. */
export function encodeArmPath(id: string): string {
  return id
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** Throttling, server errors and network faults may pass; other client errors will not. */
function isTransient(error: unknown): boolean {
  if (!isRestError(error) || error.statusCode === undefined) return true;
  return error.statusCode === 408 || error.statusCode === 429 || error.statusCode >= 500;
}
