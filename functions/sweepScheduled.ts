import { app, output } from '@azure/functions';
import type { InvocationContext, Timer } from '@azure/functions';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';
import type { SweepMessage } from '../src/app/sweep-message';

/** One message per batch of subscriptions (AuditorApp.sweepPlan): sweepSubscription instances share the batches, each read with one Resource Graph query per table. */
export const sweepQueueOutput = output.storageQueue({ queueName: '%AML_AUDITOR_QUEUE_NAME%', connection: 'AzureWebJobsStorage' });

/** Timer trigger (AML_AUDITOR_SWEEP_SCHEDULE): enqueues the subscriptions in scope, a batch to a message. */
export async function sweepScheduled(timer: Timer, context: InvocationContext): Promise<readonly SweepMessage[]> {
  const log = contextLog(context);
  const auditor = await getAuditorApp();
  const requestedAt = new Date().toISOString();
  const { targets, messages } = await auditor.sweepPlan(requestedAt, 'timer', log);
  context.extraOutputs.set(sweepQueueOutput, messages);
  log.info(`sweepScheduled: enqueued ${targets} subscription sweep(s) in ${messages.length} message(s)${timer.isPastDue ? ' (late: the previous run was missed)' : ''}`);
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
