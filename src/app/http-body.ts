import type { HttpRequest } from '@azure/functions';
import { RequestError } from './service';

/**
 * Request bodies, bounded. The Functions worker buffers a whole body before a handler runs, so a
 * declared length over the limit is refused before anything is read, and what was read is measured
 * again (a sender may leave the length out).
 */

/** POST /api/audit and other JSON requests. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Event Grid deliveries: a batch holds at most 1 MB of events (preferredBatchSizeInKilobytes ≤ 1024). */
export const MAX_EVENT_BODY_BYTES = 2 * 1024 * 1024;

/** A body over the limit: 413. */
export class PayloadTooLargeError extends RequestError {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${Math.round(limit / 1024)} KiB`);
    this.name = 'PayloadTooLargeError';
  }
}

/** The body as text, or PayloadTooLargeError. */
export async function boundedBodyText(request: HttpRequest, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > limit) throw new PayloadTooLargeError(limit);
  return bytes.toString('utf8');
}
