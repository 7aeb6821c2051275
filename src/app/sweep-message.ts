import { isObject } from '../core/json';

/**
 * A queue message of the sweep fan-out: a batch of subscriptions one instance reads together (one
 * Resource Graph query per table over the whole batch) and then judges one by one.
 */
export interface SweepMessage {
  readonly subscriptionIds: readonly string[];
  readonly requestedAt: string;
  readonly trigger: 'timer' | 'startup';
}

/**
 * Subscriptions per message (AML_AUDITOR_SWEEP_BATCH): fifty 100-resource subscriptions fill five
 * Resource Graph pages, so a batch costs its rows' pages plus one query per other table, while a
 * thousand subscriptions still make twenty messages for instances to share.
 */
export const DEFAULT_SWEEP_BATCH = 50;
/** Resource Graph takes at most 1,000 subscriptions per request. */
export const MAX_SWEEP_BATCH = 1000;

/**
 * Rows per message, when the timer could count them: twenty Resource Graph pages, read and judged
 * well within the queue function's timeout (host.json: 10 minutes) even under throttling. A
 * subscription larger than this is a message of its own, as before batches.
 */
export const MAX_SWEEP_BATCH_ROWS = 20_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The timer's messages: the targets in order, at most `batchSize` to a message and, where `rows`
 * says how many rows each holds, at most `maxRows` rows to a message (a larger subscription alone).
 * A subscription `rows` does not name (it could not be counted) is batched by number only.
 */
export function sweepMessages(
  subscriptionIds: readonly string[],
  options: { readonly requestedAt: string; readonly trigger: SweepMessage['trigger']; readonly batchSize: number; readonly rows?: ReadonlyMap<string, number>; readonly maxRows?: number },
): SweepMessage[] {
  const size = Math.min(Math.max(1, Math.floor(options.batchSize)), MAX_SWEEP_BATCH);
  const maxRows = options.maxRows ?? MAX_SWEEP_BATCH_ROWS;
  const messages: SweepMessage[] = [];
  let batch: string[] = [];
  let batchRows = 0;
  for (const id of subscriptionIds) {
    const rows = options.rows?.get(id.toLowerCase()) ?? 0;
    if (batch.length > 0 && (batch.length >= size || batchRows + rows > maxRows)) {
      messages.push({ subscriptionIds: batch, requestedAt: options.requestedAt, trigger: options.trigger });
      batch = [];
      batchRows = 0;
    }
    batch.push(id);
    batchRows += rows;
  }
  if (batch.length > 0) messages.push({ subscriptionIds: batch, requestedAt: options.requestedAt, trigger: options.trigger });
  return messages;
}

/**
 * Reads a message as the queue trigger hands it over (already JSON-parsed, or a string). A message
 * of one `subscriptionId` (the shape before batches, still queued during an upgrade) is a batch of one.
 */
export function parseSweepMessage(input: unknown): { message: SweepMessage } | { problem: string } {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { problem: 'the message is not JSON' };
    }
  }
  if (!isObject(value)) return { problem: 'the message is not a JSON object' };
  const listed: unknown = value.subscriptionIds !== undefined ? value.subscriptionIds : value.subscriptionId !== undefined ? [value.subscriptionId] : undefined;
  if (listed === undefined) return { problem: "the message has neither 'subscriptionIds' nor 'subscriptionId'" };
  if (!Array.isArray(listed) || listed.length === 0) return { problem: "'subscriptionIds' is not a non-empty array of subscription IDs" };
  if (listed.length > MAX_SWEEP_BATCH) return { problem: `'subscriptionIds' lists ${listed.length} subscriptions; a message holds at most ${MAX_SWEEP_BATCH}` };
  const subscriptionIds: string[] = [];
  for (const item of listed) {
    const id = typeof item === 'string' ? item.trim() : '';
    if (!GUID.test(id)) return { problem: `${JSON.stringify(item)} is not a subscription ID` };
    if (!subscriptionIds.includes(id.toLowerCase())) subscriptionIds.push(id.toLowerCase());
  }
  const requestedAt = typeof value.requestedAt === 'string' && !Number.isNaN(Date.parse(value.requestedAt)) ? value.requestedAt : new Date().toISOString();
  return { message: { subscriptionIds, requestedAt, trigger: value.trigger === 'startup' ? 'startup' : 'timer' } };
}
