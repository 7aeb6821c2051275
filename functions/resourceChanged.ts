import { app } from '@azure/functions';
import type { InvocationContext } from '@azure/functions';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';
import type { EventResult } from '../src/app/service';

/**
 * Event Grid trigger: Azure Resource Manager events of the subscription system topic and Azure
 * Resource Notifications, Event Grid schema or CloudEvents. Malformed and irrelevant events are
 * logged with their reason and complete; a transient failure throws so Event Grid retries and
 * finally dead-letters the event.
 */
export async function resourceChanged(event: unknown, context: InvocationContext): Promise<EventResult> {
  const log = contextLog(context);
  const auditor = await getAuditorApp();
  try {
    return await auditor.handleEvent(event, log);
  } catch (error) {
    log.error(`resourceChanged: event ${eventIdOf(event)} failed and will be redelivered: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

function eventIdOf(event: unknown): string {
  return typeof event === 'object' && event !== null && 'id' in event ? String((event).id) : '(no id)';
}

app.eventGrid<unknown>('resourceChanged', { handler: resourceChanged });
