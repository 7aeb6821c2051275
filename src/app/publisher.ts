import { AzureKeyCredential } from '@azure/core-auth';
import type { TokenCredential } from '@azure/core-auth';
import type { EventGridPublisherClientOptions } from '@azure/eventgrid';
import { EventGridPublisherClient } from '@azure/eventgrid';
import { createHash } from 'node:crypto';
import type { FindingChange } from '../store';
import type { FindingChangePublisher } from './ports';

/** CloudEvents `type` of each finding change (an `updated` finding is not announced: nothing opened or closed). */
export const FINDING_EVENT_TYPES = {
  opened: 'AmlVnetAuditor.Finding.Opened',
  reopened: 'AmlVnetAuditor.Finding.Reopened',
  resolved: 'AmlVnetAuditor.Finding.Resolved',
} as const;

export const FINDING_EVENT_SOURCE = '/aml-vnet-auditor/findings';
const MAX_EVENTS_PER_SEND = 100;

/** The CloudEvents published for some finding changes; the ID is stable so a redelivered change is recognisable downstream. */
export function findingCloudEvents(changes: readonly FindingChange[]): { type: string; source: string; id: string; subject: string; time: Date; datacontenttype: string; data: FindingChange['finding'] }[] {
  const events = [];
  for (const change of changes) {
    if (change.kind === 'updated') continue;
    const finding = change.finding;
    const at = change.kind === 'resolved' ? (finding.resolvedAt ?? finding.lastChangedAt) : finding.lastChangedAt;
    events.push({
      type: FINDING_EVENT_TYPES[change.kind],
      source: FINDING_EVENT_SOURCE,
      id: createHash('sha256').update(`${change.kind}|${finding.ruleId}|${finding.resourceId.toLowerCase()}|${at}`).digest('hex').slice(0, 32),
      subject: `${finding.resourceId}#${finding.ruleId}`,
      time: new Date(at),
      datacontenttype: 'application/json',
      data: finding,
    });
  }
  return events;
}

/** Publishes to an Event Grid topic with @azure/eventgrid, keyed or with the app's identity. */
export function eventGridPublisher(endpoint: string, credential: { key: string } | TokenCredential, options: EventGridPublisherClientOptions = {}): FindingChangePublisher {
  const client = new EventGridPublisherClient(endpoint, 'CloudEvent', 'key' in credential ? new AzureKeyCredential(credential.key) : credential, options);
  return {
    async publish(changes) {
      const events = findingCloudEvents(changes);
      for (let start = 0; start < events.length; start += MAX_EVENTS_PER_SEND) await client.send(events.slice(start, start + MAX_EVENTS_PER_SEND));
    },
  };
}
