import type { FindingChange } from '../store';

/** A failure worth retrying (the store or the inventory is unreachable): the trigger throws so Event Grid or the queue retries. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** An error's message, for a log line or another error's. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Publishes finding changes (opened, resolved, reopened) to an Event Grid topic as CloudEvents. */
export interface FindingChangePublisher {
  publish(changes: readonly FindingChange[]): Promise<void>;
}
