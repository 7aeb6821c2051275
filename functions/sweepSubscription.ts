import { app } from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';
import type { SweepOutcome } from '../src/app/service';
import { inScope } from '../src/app/settings';
import { parseSweepMessage } from '../src/app/sweep-message';

/**
 * Queue trigger: audits a batch of subscriptions (read together, judged and stored each on its own). A failure throws: the host
 * retries the message (host.json maxDequeueCount) and then moves it to `<queue>-poison`, where
 * it stays visible. A malformed message also throws, so it lands there too instead of vanishing.
 */
export async function sweepSubscription(queued: unknown, context: InvocationContext): Promise<readonly SweepOutcome[]> {
  const log = contextLog(context);
  const attempt = Number(context.triggerMetadata?.dequeueCount ?? 1);
  const parsed = parseSweepMessage(queued);
  if ('problem' in parsed) {
    log.error(`sweepSubscription: malformed message (attempt ${attempt}; it will end in the poison queue): ${parsed.problem}`);
    throw new Error(`malformed sweep message: ${parsed.problem}`);
  }
  const auditor = await getAuditorApp();
  const subscriptionIds = parsed.message.subscriptionIds.filter((id) => inScope(auditor.options.settings, id));
  const outOfScope = parsed.message.subscriptionIds.filter((id) => !subscriptionIds.includes(id));
  if (outOfScope.length > 0) log.warn(`sweepSubscription: ${outOfScope.join(', ')} out of scope; dropped from the batch on purpose`);
  if (subscriptionIds.length === 0) return [];
  try {
    return await auditor.sweepSubscriptions(subscriptionIds, parsed.message.trigger, log);
  } catch (error) {
    log.error(`sweepSubscription: batch of ${subscriptionIds.length} (${subscriptionIds.join(', ')}) failed (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

app.storageQueue('sweepSubscription', { queueName: '%AML_AUDITOR_QUEUE_NAME%', connection: 'AzureWebJobsStorage', handler: sweepSubscription });
