import { gunzipSync, gzipSync } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { isObject } from '../core/json';
import { parseSnapshot } from '../inventory/snapshot';
import type { Inventory } from '../inventory/types';

/**
 * Subscription states shared by every instance of the app, so that the event path's cost does not
 * grow with instances. On Flex Consumption each function scales on its own, and a cold
 * `resourceChanged` instance used to read its whole subscription from Resource Graph before judging
 * one event: a burst that scaled out to 40 instances made 40 full reads. Sweeps now write what they
 * read as one compressed blob per subscription in the app's own storage account; a cold instance
 * loads it and reads only the changed resources from ARM. Resource Graph is read by sweeps, and by
 * an event only when no usable state exists.
 *
 * The blob is the snapshot format (docs/interfaces.md, shape 1) gzipped, with `format`, `version`
 * and `subscriptionId` beside it; a blob of another format version, of another subscription, or
 * unreadable is ignored (the subscription is then read whole, as before). Writes are conditional
 * on the ETag of the blob they replace, and never replace a newer capture with an older one.
 */

export const STATE_FORMAT = 'aml-vnet-auditor/subscription-state';
export const STATE_VERSION = 1;

export interface SharedState {
  /** With `capturedAt`: when the sweep read it. */
  readonly inventory: Inventory & { readonly capturedAt: string };
  readonly etag: string | undefined;
}

export type SharedStateWrite = 'written' | 'kept-newer' | 'not-shared';

export interface SharedStates {
  read(subscriptionId: string): Promise<SharedState | undefined>;
  /**
   * Stores a whole read of a subscription. One with gaps is never shared (a cold instance would
   * trust it), nor one with no row (the snapshot format holds at least one).
   */
  write(subscriptionId: string, inventory: Inventory, capturedAt: string): Promise<SharedStateWrite>;
}

/** Blob metadata key holding the capture time, so a writer can compare without downloading. */
const CAPTURED_AT = 'capturedat';

function blobName(subscriptionId: string): string {
  return `subscriptions/${subscriptionId.toLowerCase()}.json.gz`;
}

function statusOf(error: unknown): number | undefined {
  return isObject(error) && typeof error['statusCode'] === 'number' ? error['statusCode'] : undefined;
}

/** Shared states in a blob container (created on first write). */
export class BlobSharedStates implements SharedStates {
  private created: Promise<unknown> | undefined;

  constructor(
    private readonly container: ContainerClient,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  async read(subscriptionId: string): Promise<SharedState | undefined> {
    const blob = this.container.getBlockBlobClient(blobName(subscriptionId));
    let body: Buffer;
    let etag: string | undefined;
    try {
      const response = await blob.download();
      etag = response.etag;
      body = await streamToBuffer(response.readableStreamBody);
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return undefined;
      throw error;
    }
    try {
      return { inventory: decodeState(subscriptionId, body), etag };
    } catch (error) {
      this.warn(`shared state of subscription ${subscriptionId} ignored: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  async write(subscriptionId: string, inventory: Inventory, capturedAt: string): Promise<SharedStateWrite> {
    if (inventory.gaps.length > 0 || inventory.resources.length === 0) return 'not-shared';
    this.created ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.created = undefined;
      throw error;
    });
    await this.created;
    const blob = this.container.getBlockBlobClient(blobName(subscriptionId));
    const body = encodeState(subscriptionId, inventory, capturedAt);
    // Two sweeps may race: replace only the blob read just now, and only with a newer capture.
    for (let attempt = 0; attempt < 3; attempt++) {
      let etag: string | undefined;
      try {
        const properties = await blob.getProperties();
        const held = properties.metadata?.[CAPTURED_AT];
        if (held !== undefined && held >= capturedAt) return 'kept-newer';
        etag = properties.etag;
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
      try {
        await blob.upload(body, body.length, {
          conditions: etag !== undefined ? { ifMatch: etag } : { ifNoneMatch: '*' },
          metadata: { [CAPTURED_AT]: capturedAt },
          blobHTTPHeaders: { blobContentType: 'application/json', blobContentEncoding: 'gzip' },
        });
        return 'written';
      } catch (error) {
        const status = statusOf(error);
        // 412: changed since read; 409: created since read. Look again.
        if (status !== 412 && status !== 409) throw error;
      }
    }
    return 'kept-newer';
  }
}

export function encodeState(subscriptionId: string, inventory: Inventory, capturedAt: string): Buffer {
  const document = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    subscriptionId: subscriptionId.toLowerCase(),
    omittedRows: inventory.omittedRows ?? 0,
    capturedAt,
    resources: inventory.resources,
    ...(inventory.serviceTags !== undefined ? { serviceTags: inventory.serviceTags } : {}),
  };
  return gzipSync(Buffer.from(JSON.stringify(document), 'utf8'));
}

/** The inventory a state blob holds; throws with the reason when it is not one this version reads. */
export function decodeState(subscriptionId: string, body: Buffer): Inventory & { readonly capturedAt: string } {
  let text: string;
  try {
    text = gunzipSync(body).toString('utf8');
  } catch {
    throw new Error('it is not gzip data');
  }
  // The envelope is checked on the parse the snapshot reader makes anyway.
  const head = /^\{"format":"([^"]*)","version":(\d+),"subscriptionId":"([^"]*)","omittedRows":(\d+),/.exec(text.slice(0, 256));
  if (head === null || head[1] !== STATE_FORMAT) throw new Error(`it is not a ${STATE_FORMAT} document`);
  if (Number(head[2]) !== STATE_VERSION) throw new Error(`its format version ${head[2]} is not ${STATE_VERSION}, the one this version reads`);
  if (head[3] !== subscriptionId.toLowerCase()) throw new Error(`it holds subscription ${head[3]}`);
  const inventory = parseSnapshot(text, blobName(subscriptionId));
  if (inventory.capturedAt === undefined) throw new Error('it has no capturedAt');
  const omitted = Number(head[4]);
  return { ...inventory, capturedAt: inventory.capturedAt, ...(omitted > 0 ? { omittedRows: omitted } : {}) };
}

async function streamToBuffer(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
