import { app } from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';
import type { SweepOutcome } from '../src/app/service';
import { inScope } from '../src/app/settings';
import { parseSweepMessage } from '../src/app/sweep-message';

/**
 * Queue trigger: audits one subscription and stores the result. A failure throws: the host
 * retries the message (host.json maxDequeueCount) and then moves it to `<queue>-poison`, where
 * it stays visible. A malformed message also throws, so it lands there too instead of vanishing.
 */
export async function sweepSubscription(queued: unknown, context: InvocationContext): Promise<SweepOutcome | undefined> {
  const log = contextLog(context);
  const attempt = Number(context.triggerMetadata?.dequeueCount ?? 1);
  const parsed = parseSweepMessage(queued);
  if ('problem' in parsed) {
    log.error(`sweepSubscription: malformed message (attempt ${attempt}; it will end in the poison queue): ${parsed.problem}`);
    throw new Error(`malformed sweep message: ${parsed.problem}`);
  }
  const auditor = await getAuditorApp();
  if (!inScope(auditor.options.settings, parsed.message.subscriptionId)) {
    log.warn(`sweepSubscription: subscription ${parsed.message.subscriptionId} is out of scope; message dropped on purpose`);
    return undefined;
  }
  try {
    return await auditor.sweepSubscription(parsed.message.subscriptionId, parsed.message.trigger, log);
  } catch (error) {
    log.error(`sweepSubscription: ${parsed.message.subscriptionId} failed (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

app.storageQueue('sweepSubscription', { queueName: '%AML_AUDITOR_QUEUE_NAME%', connection: 'AzureWebJobsStorage', handler: sweepSubscription });
