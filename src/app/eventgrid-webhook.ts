import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { eventsOfBody, validationCodeOf } from './events';
import { boundedBodyText, MAX_EVENT_BODY_BYTES, PayloadTooLargeError } from './http-body';

/**
 * The Event Grid webhook of the Functions host (POST /runtime/webhooks/eventgrid?functionName=X),
 * for the local server: the subscription validation handshakes, then one invocation of the
 * trigger per event, as the host does. In Azure the host itself does all of this.
 */
export type EventInvoker = (event: unknown) => Promise<unknown>;

export interface WebhookOutcome {
  readonly delivered: number;
  readonly results: readonly unknown[];
}

/** OPTIONS: the CloudEvents 1.0 webhook abuse-protection handshake (WebHook-Request-Origin). */
export function cloudEventsHandshake(request: HttpRequest): HttpResponseInit {
  const origin = request.headers.get('webhook-request-origin');
  if (origin === null) return { status: 400, jsonBody: { error: 'OPTIONS without WebHook-Request-Origin: not a CloudEvents validation request' } };
  return { status: 200, headers: { 'webhook-allowed-origin': origin, 'webhook-allowed-rate': '*', allow: 'POST, OPTIONS' } };
}

/** POST: validation events answer `{ validationResponse }`; other bodies are split into events and delivered one by one. */
export async function eventGridDelivery(request: HttpRequest, functions: Readonly<Record<string, EventInvoker>>): Promise<HttpResponseInit> {
  const functionName = request.query.get('functionName') ?? '';
  const invoke = functions[functionName];
  if (invoke === undefined) return { status: 404, jsonBody: { error: `no Event Grid function named '${functionName}' (known: ${Object.keys(functions).join(', ')})` } };
  const contentType = (request.headers.get('content-type') ?? 'application/json').toLowerCase();
  let body: unknown;
  try {
    body = JSON.parse(await boundedBodyText(request, MAX_EVENT_BODY_BYTES));
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    return { status: 400, jsonBody: { error: 'the body is not JSON' } };
  }
  const validationCode = validationCodeOf(body);
  if (validationCode !== undefined || (request.headers.get('aeg-event-type') ?? '').toLowerCase() === 'subscriptionvalidation') {
    if (validationCode === undefined) return { status: 400, jsonBody: { error: 'a SubscriptionValidation delivery without data.validationCode' } };
    return { status: 200, jsonBody: { validationResponse: validationCode } };
  }
  // application/cloudevents+json is one event; cloudevents-batch+json and the Event Grid schema are arrays.
  const events = contentType.includes('application/cloudevents+json') && !Array.isArray(body) ? [body] : eventsOfBody(body);
  const settled = await Promise.allSettled(events.map((event) => invoke(event)));
  const failures = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) {
    // The host answers 5xx when an invocation fails, and Event Grid redelivers (then dead-letters).
    return {
      status: 500,
      jsonBody: { error: `${failures.length} of ${events.length} event(s) failed and will be retried by Event Grid`, reasons: failures.map((failure) => reasonOf(failure.reason)) },
    };
  }
  return { status: 200, jsonBody: { delivered: events.length, results: settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) } };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
