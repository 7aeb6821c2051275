/**
 * The sweep queue of `npm start`, in process. In Azure, sweepScheduled writes to a Storage queue
 * and the host runs sweepSubscription on as many instances as the queue needs, retrying a
 * failing message up to host.json's maxDequeueCount before moving it to `<queue>-poison`. This
 * reproduces those semantics locally (dequeue count, retries, a poison list) without a second
 * emulator: one worker, messages in order.
 */
export interface PoisonMessage {
  readonly message: unknown;
  readonly dequeueCount: number;
  readonly error: string;
  readonly poisonedAt: string;
}

export type QueueConsumer = (message: unknown, dequeueCount: number) => Promise<unknown>;

export interface QueueStatus {
  readonly queueName: string;
  readonly pending: number;
  readonly processed: number;
  readonly poison: readonly PoisonMessage[];
}

export class LocalSweepQueue {
  private readonly waiting: { message: unknown; dequeueCount: number }[] = [];
  private readonly poisoned: PoisonMessage[] = [];
  private processed = 0;
  private running: Promise<void> | undefined;

  constructor(
    readonly queueName: string,
    private readonly consumer: QueueConsumer,
    private readonly log: (line: string) => void,
    private readonly maxDequeueCount = 5,
    private readonly retryDelayMs = 200,
  ) {}

  enqueue(messages: readonly unknown[]): void {
    for (const message of messages) this.waiting.push({ message, dequeueCount: 0 });
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when every message has been processed or poisoned. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  status(): QueueStatus {
    return { queueName: this.queueName, pending: this.waiting.length, processed: this.processed, poison: [...this.poisoned] };
  }

  private async drain(): Promise<void> {
    for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
      const dequeueCount = next.dequeueCount + 1;
      try {
        await this.consumer(next.message, dequeueCount);
        this.processed++;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (dequeueCount >= this.maxDequeueCount) {
          this.poisoned.push({ message: next.message, dequeueCount, error: reason, poisonedAt: new Date().toISOString() });
          this.log(`queue ${this.queueName}: message moved to ${this.queueName}-poison after ${dequeueCount} attempts: ${reason}`);
        } else {
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
          this.waiting.push({ message: next.message, dequeueCount });
        }
      }
    }
  }
}
