import { idKey, resourceGroupOf, subscriptionOf } from '../core/ids';
import { asNonEmptyString } from '../core/json';
import type { InventoryGap } from '../core/types';
import type { ResourceRow } from '../inventory/types';
import { listArmItems } from './clients';
import type { ArmGetClient } from './clients';
import { appendAll, asRow, COMPUTE_TYPE, describeError } from './graph';

/**
 * Workspace computes through ARM, for workspaces whose computes Resource Graph did not return.
 * Resource Graph cannot tell "no computes" from "computes not indexed", so a workspace without
 * compute rows costs one ARM list (plus its nextLink pages).
 */

export const COMPUTES_API_VERSION = '2024-04-01';
const WORKSPACE_TYPE = 'microsoft.machinelearningservices/workspaces';

export interface ComputeReadResult {
  readonly rows: ResourceRow[];
  readonly gaps: InventoryGap[];
  malformed: number;
  /** Workspaces whose computes were listed through ARM. */
  readonly workspaces: number;
}

/** IDs of the workspaces among `rows` that have no compute row under them. */
export function workspacesLackingComputes(rows: readonly ResourceRow[]): string[] {
  const withComputes = new Set<string>();
  for (const row of rows) {
    if (lowerType(row) !== COMPUTE_TYPE) continue;
    const workspaceKey = idKey(row.id).replace(/\/computes\/[^/]+$/, '');
    withComputes.add(workspaceKey);
  }
  return rows.filter((row) => lowerType(row) === WORKSPACE_TYPE && !withComputes.has(idKey(row.id))).map((row) => row.id);
}

export async function readComputesFromArm(client: ArmGetClient, workspaceIds: readonly string[], concurrency = 4): Promise<ComputeReadResult> {
  const result: ComputeReadResult = { rows: [], gaps: [], malformed: 0, workspaces: workspaceIds.length };
  let next = 0;
  async function worker(): Promise<void> {
    while (next < workspaceIds.length) {
      const workspaceId = workspaceIds[next++] as string;
      try {
        const listed = await listComputes(client, workspaceId);
        appendAll(result.rows, listed.rows);
        result.malformed += listed.malformed;
      } catch (error) {
        result.gaps.push({ scope: workspaceId, reason: `workspace computes: ${describeError(error)}` });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, workspaceIds.length)) }, worker));
  // Workers finish in any order; sort so the inventory does not depend on timing.
  result.rows.sort((a, b) => (idKey(a.id) < idKey(b.id) ? -1 : idKey(a.id) > idKey(b.id) ? 1 : 0));
  return result;
}

async function listComputes(client: ArmGetClient, workspaceId: string): Promise<{ rows: ResourceRow[]; malformed: number }> {
  const rows: ResourceRow[] = [];
  let malformed = 0;
  for (const item of await listArmItems(client, `${workspaceId.replace(/\/+$/, '')}/computes?api-version=${COMPUTES_API_VERSION}`)) {
    const row = asRow(item);
    if (row === undefined) malformed++;
    else rows.push(toGraphShape(row));
  }
  return { rows, malformed };
}

/**
 * ARM's shape → Resource Graph's (what a snapshot holds): lowercased type, and the
 * subscriptionId / resourceGroup columns ARM does not return.
 */
export function toGraphShape(row: ResourceRow): ResourceRow {
  const type = asNonEmptyString(row.type);
  const subscriptionId = asNonEmptyString(row.subscriptionId) ?? subscriptionOf(row.id);
  const resourceGroup = asNonEmptyString(row.resourceGroup) ?? resourceGroupOfAsWritten(row.id);
  return {
    ...row,
    ...(type !== undefined ? { type: type.toLowerCase() } : {}),
    ...(subscriptionId !== undefined ? { subscriptionId } : {}),
    ...(resourceGroup !== undefined ? { resourceGroup } : {}),
  };
}

function resourceGroupOfAsWritten(id: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(id.trim())?.[1] ?? resourceGroupOf(id);
}

function lowerType(row: ResourceRow): string | undefined {
  return typeof row.type === 'string' ? row.type.toLowerCase() : undefined;
}
