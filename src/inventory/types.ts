import type { InventoryGap } from '../core/types';

/**
 * A resource as Resource Graph returns it (docs/interfaces.md, "Snapshot file"). Only `id` is
 * guaranteed once validated at the edge; everything else is untrusted and read with
 * the helpers of src/core/json.ts.
 */
export interface ResourceRow {
  readonly id: string;
  readonly name?: unknown;
  readonly type?: unknown;
  readonly location?: unknown;
  readonly subscriptionId?: unknown;
  readonly resourceGroup?: unknown;
  readonly sku?: unknown;
  readonly kind?: unknown;
  readonly identity?: unknown;
  readonly tags?: unknown;
  readonly properties?: unknown;
  readonly [key: string]: unknown;
}

/** An entry of the service-tags list (Network `serviceTags` API / public Service Tags download). */
export interface ServiceTagEntry {
  readonly name: string;
  readonly id?: string;
  readonly properties: {
    readonly region?: string;
    readonly systemService?: string;
    readonly addressPrefixes: readonly string[];
  };
}

/**
 * What every inventory source produces: the snapshot file, Resource Graph, and the
 * local sample estate. The engine never knows which one it came from.
 */
export interface Inventory {
  readonly capturedAt?: string;
  readonly resources: readonly ResourceRow[];
  /** Rows read and counted but not kept (types no rule reads: SnapshotReadOptions); 0 when absent. */
  readonly omittedRows?: number;
  /** Undefined when the source had no service-tag data (regional-prefix checks answer `unknown`). */
  readonly serviceTags?: readonly ServiceTagEntry[];
  /** Rows skipped at the edge and similar notes, one line each. */
  readonly warnings: readonly string[];
  /** Parts of the estate that could not be read; empty when complete. */
  readonly gaps: readonly InventoryGap[];
}
