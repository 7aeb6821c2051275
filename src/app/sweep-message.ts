import { isObject } from '../core/json';

/** A queue message of the sweep fan-out: one subscription to audit. */
export interface SweepMessage {
  readonly subscriptionId: string;
  readonly requestedAt: string;
  readonly trigger: 'timer' | 'startup';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a message as the queue trigger hands it over (already JSON-parsed, or a string). */
export function parseSweepMessage(input: unknown): { message: SweepMessage } | { problem: string } {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { problem: 'the message is not JSON' };
    }
  }
  if (!isObject(value)) return { problem: 'the message is not a JSON object' };
  const subscriptionId = typeof value.subscriptionId === 'string' ? value.subscriptionId.trim() : '';
  if (!GUID.test(subscriptionId)) return { problem: `'subscriptionId' ${JSON.stringify(value.subscriptionId)} is not a subscription ID` };
  const requestedAt = typeof value.requestedAt === 'string' && !Number.isNaN(Date.parse(value.requestedAt)) ? value.requestedAt : new Date().toISOString();
  return { message: { subscriptionId: subscriptionId.toLowerCase(), requestedAt, trigger: value.trigger === 'startup' ? 'startup' : 'timer' } };
}
