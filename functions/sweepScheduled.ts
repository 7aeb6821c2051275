import { app, output } from '@azure/functions';
import type { InvocationContext, Timer } from '@azure/functions';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';
import type { SweepMessage } from '../src/app/sweep-message';

/** One message per subscription: sweepSubscription instances share the work, and a failing subscription retries alone. */
export const sweepQueueOutput = output.storageQueue({ queueName: '%AML_AUDITOR_QUEUE_NAME%', connection: 'AzureWebJobsStorage' });

/** Timer trigger (AML_AUDITOR_SWEEP_SCHEDULE): enqueues one sweep per subscription in scope. */
export async function sweepScheduled(timer: Timer, context: InvocationContext): Promise<readonly SweepMessage[]> {
  const log = contextLog(context);
  const auditor = await getAuditorApp();
  const requestedAt = new Date().toISOString();
  const messages: SweepMessage[] = (await auditor.sweepTargets()).map((subscriptionId) => ({ subscriptionId, requestedAt, trigger: 'timer' }));
  context.extraOutputs.set(sweepQueueOutput, messages);
  log.info(`sweepScheduled: enqueued ${messages.length} subscription sweep(s)${timer.isPastDue ? ' (late: the previous run was missed)' : ''}`);
  // Retention is housekeeping: a failure is logged and tried again next time, never a reason to
  // retry the timer (which would enqueue every sweep again).
  try {
    const pruned = await auditor.pruneRetention();
    if (pruned !== undefined && pruned.resolvedFindings + pruned.sweepRecords > 0) {
      log.info(`sweepScheduled: retention removed ${pruned.resolvedFindings} finding(s) resolved and ${pruned.sweepRecords} sweep record(s) started before ${pruned.before}`);
    }
  } catch (error) {
    log.warn(`sweepScheduled: retention could not run (${error instanceof Error ? error.message : String(error)}); it runs again with the next sweep`);
  }
  return messages;
}

// Event Grid and the queue retry by themselves; the timer does not, so listing subscriptions gets its own retries.
app.timer('sweepScheduled', {
  schedule: '%AML_AUDITOR_SWEEP_SCHEDULE%',
  extraOutputs: [sweepQueueOutput],
  retry: { strategy: 'exponentialBackoff', maxRetryCount: 3, minimumInterval: 5_000, maximumInterval: 60_000 },
  handler: sweepScheduled,
});
