/** Errors of the findings store. Messages are one line a user can act on (the CLI prints them as is). */

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The Table endpoint did not answer (down, restarted, unreachable). Nothing after the last committed transaction was written. */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Bad input to the store (a malformed continuation token, an invalid suppression). */
export class StoreInputError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}

/**
 * Another event batch announced its changes since this batch read the partition's marker and
 * change notices (src/store/change-notices.ts): nothing of this batch was written, and it must
 * read the notices again before it judges.
 */
export class PartitionMovedError extends StoreError {
  constructor(
    readonly partitionKey: string,
    options?: { cause?: unknown },
  ) {
    super(`findings store: partition ${partitionKey} was written by another writer since this batch read it; read its changes again`, options);
    this.name = 'PartitionMovedError';
  }
}

/** Statuses meaning "someone else wrote first": re-read and decide again. */
export function isWriteConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412 || status === 404;
}

export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = (error).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Turns transport failures into StoreUnavailableError; other errors pass through with a readable message. */
export function storeFailure(error: unknown, endpoint: string, action: string): Error {
  if (error instanceof StoreError) return error;
  const status = statusOf(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error).code) : '';
  const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (status === undefined) {
    return new StoreUnavailableError(`findings store unreachable at ${endpoint} while ${action}: ${code || firstLine}`, { cause: error });
  }
  return new StoreError(`findings store at ${endpoint} refused ${action}: HTTP ${status}${code ? ` ${code}` : ''}: ${firstLine}`, { cause: error });
}
