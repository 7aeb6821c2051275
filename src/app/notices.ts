/**
 * What other instances changed, as this one takes it in: the change notices an event batch reads
 * before it judges (src/store/change-notices.ts), with the state each carries or to be read from the
 * source of truth, and the notices a whole read (a sweep, POST /api/audit) reads over its answer.
 */
import { idKey } from '../core/ids';
import { ReadAgainError, withResourcesReadAgain } from '../inventory/read-again';
import type { Inventory, ResourceRow } from '../inventory/types';
import { noticesSince, resourcesToReadAgain } from '../store';
import type { ChangeNotice, FindingsStore, NoticedState } from '../store';
import type { ResourceChange } from './events';
import type { InventoryProvider } from './inventory';
import { describe, TransientError } from './ports';

/**
 * A sweep's inventory with the resources event batches changed shortly before its capture (or
 * since) read again from the source of truth: Resource Graph indexes with a lag, and a sweep
 * judged on its answer would overwrite those batches' newer verdicts with the old state. A
 * resource that cannot be read for a passing reason fails the sweep (its message is retried);
 * one that cannot be read at all (403) keeps what the whole read gave.
 */
export async function withNoticedChanges(
  provider: InventoryProvider,
  store: Pick<FindingsStore, 'syncPartition'>,
  subscriptionId: string,
  inventory: Inventory,
  capturedAt: string,
): Promise<{ readonly inventory: Inventory; readonly noticed: number; readonly notices: readonly ChangeNotice[] }> {
  const { notices } = await store.syncPartition(subscriptionId, noticesSince(capturedAt));
  const ids = resourcesToReadAgain(notices);
  try {
    return { inventory: await withResourcesReadAgain(inventory, ids, (wanted) => provider.readByIds(wanted)), noticed: ids.length, notices };
  } catch (error) {
    if (error instanceof ReadAgainError) throw new TransientError(`cannot read ${error.resourceId}, which an event changed: ${error.reason}`);
    throw new TransientError(`cannot read ${ids.length} resource(s) events changed: ${describe(error)}`, { cause: error });
  }
}

const NOTICE_EVENT_PREFIX = 'notice:';

/**
 * What one batch has read, kept over the times it must read its partition again (another batch
 * announced first): each resource read for a change (by key and the change's time), and the state
 * each notice carried (undefined: none).
 */
export class ReadsOfOneBatch {
  readonly reads = new Map<string, ResourceRow | 'missing' | 'unanswered'>();
  readonly states = new Map<string, NoticedState | undefined>();
  /** Whether the batch has read its partition again after fetching a backlog of states (once at most). */
  caughtUp = false;
}

/** A notice as written: the same resource noticed again is another notice. */
export function noticeKey(notice: ChangeNotice): string {
  return `${idKey(notice.resourceId)}|${notice.version}|${notice.at}`;
}

/**
 * Another instance's change: with the state its batch judged, applied as it is; without one, a
 * change to read from the source of truth.
 */
export function noticeChange(notice: ChangeNotice, subscriptionId: string, state: NoticedState | undefined): ResourceChange {
  const change = { eventId: `${NOTICE_EVENT_PREFIX}${notice.resourceId}`, eventType: 'change notice', schema: 'eventgrid', resourceId: notice.resourceId, subscriptionId, eventTime: notice.version } as const;
  if (state?.kind === 'delete') return { ...change, kind: 'delete' };
  return state === undefined ? { ...change, kind: 'upsert' } : { ...change, kind: 'upsert', row: state.row };
}

/**
 * Changes announced after a whole read's reader (a sweep, POST /api/audit) read the notices,
 * about states up to its capture: the whole read may lack them (Resource Graph lags), and its
 * verdicts, stored as of its capture, prevail over their batches' older ones. Read again and
 * judged through the event path, they are judged after it.
 */
export function announcedAfterRead(before: readonly ChangeNotice[], after: readonly ChangeNotice[], subscriptionId: string, capturedAt: string): ResourceChange[] {
  const read = new Set(before.map((notice) => `${idKey(notice.resourceId)}|${notice.version}`));
  return after
    .filter((notice) => notice.version <= capturedAt && !read.has(`${idKey(notice.resourceId)}|${notice.version}`))
    .map((notice) => ({ eventId: `announced:${notice.resourceId}@${notice.version}`, eventType: 'announced after a whole read', schema: 'eventgrid', kind: 'upsert', resourceId: notice.resourceId, subscriptionId, eventTime: notice.version }));
}

export function isNotice(change: ResourceChange): boolean {
  return change.eventType === 'change notice' && change.eventId.startsWith(NOTICE_EVENT_PREFIX);
}
