import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import { isRestError } from '@azure/core-rest-pipeline';

/**
 * Throttling and retries for Resource Graph and ARM, as one pipeline policy that replaces the
 * SDK's default retry policy. Why our own: Resource Graph's quota is per user and tenant
 * (15 requests per 5 s by default) and announced on every answer in
 * `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after`; we slow down *before* the quota
 * is spent instead of only reacting to a 429. And sleeping must be injectable so tests can
 * assert the delays without waiting for them.
 */

export type DelayReason = 'quota' | 'throttled' | 'server-error' | 'network-error';

export interface DelayEvent {
  readonly reason: DelayReason;
  readonly ms: number;
  readonly url: string;
  /** HTTP status that caused a retry (absent for quota pacing and network errors). */
  readonly status?: number;
  /** 1-based retry number (absent for quota pacing). */
  readonly retry?: number;
}

export interface RetrySettings {
  /** Retries after the first attempt (default 4). */
  readonly maxRetries?: number;
  /** First backoff for 5xx and network errors, doubled each retry (default 1000 ms). */
  readonly retryDelayMs?: number;
  /** Longest backoff we choose ourselves (default 60 s); a server's Retry-After is always honoured. */
  readonly maxRetryDelayMs?: number;
  /** Start pacing when the announced remaining quota is at or below this (default 3). */
  readonly quotaLowWatermark?: number;
  /** How to wait; default a timer. Tests pass a recorder that resolves at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told about every delay, for progress and tests. */
  readonly onDelay?: (event: DelayEvent) => void;
}

export const throttlePolicyName = 'amlAuditThrottlePolicy';

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Pacing state shared by every client that draws on the same quota (all Resource Graph
 * requests of one identity), so concurrent queries do not each spend it.
 */
export class QuotaPacer {
  private pendingMs = 0;
  private pendingSince = 0;

  constructor(private readonly lowWatermark: number) {}

  /** Reads the quota headers of an answer and plans the delay before the next request. */
  record(response: PipelineResponse): void {
    const remaining = Number(response.headers.get('x-ms-user-quota-remaining'));
    const resetsAfter = parseTimeSpan(response.headers.get('x-ms-user-quota-resets-after'));
    if (!Number.isFinite(remaining) || resetsAfter === undefined) return;
    if (remaining > this.lowWatermark) {
      this.pendingMs = 0;
      return;
    }
    // Spread what is left of the window over the remaining requests; with none left, wait it out.
    this.pendingMs = Math.ceil(resetsAfter / (Math.max(remaining, 0) + 1));
    this.pendingSince = Date.now();
  }

  /** How long the next request should still wait. */
  takeDelay(): number {
    if (this.pendingMs <= 0) return 0;
    const wait = this.pendingMs - (Date.now() - this.pendingSince);
    this.pendingMs = 0;
    return Math.max(0, wait);
  }
}

export function throttlePolicy(settings: RetrySettings = {}, pacer?: QuotaPacer): PipelinePolicy {
  const maxRetries = settings.maxRetries ?? 4;
  const baseDelay = settings.retryDelayMs ?? 1000;
  const maxDelay = settings.maxRetryDelayMs ?? 60_000;
  const sleep = settings.sleep ?? defaultSleep;
  const quota = pacer ?? new QuotaPacer(settings.quotaLowWatermark ?? 3);

  async function wait(event: DelayEvent): Promise<void> {
    settings.onDelay?.(event);
    await sleep(event.ms);
  }

  return {
    name: throttlePolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      for (let attempt = 0; ; attempt++) {
        const paced = quota.takeDelay();
        if (paced > 0) await wait({ reason: 'quota', ms: paced, url: request.url });
        let response: PipelineResponse | undefined;
        try {
          response = await next(request);
        } catch (error) {
          if (!isNetworkError(error) || attempt >= maxRetries) throw error;
          await wait({ reason: 'network-error', ms: backoff(attempt), url: request.url, retry: attempt + 1 });
          continue;
        }
        quota.record(response);
        const status = response.status;
        const retryable = status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
        if (!retryable || attempt >= maxRetries) return response;
        const announced = announcedDelay(response);
        const ms = announced ?? backoff(attempt);
        await wait({ reason: status === 429 ? 'throttled' : 'server-error', ms, url: request.url, status, retry: attempt + 1 });
      }
    },
  };

  function backoff(attempt: number): number {
    return Math.min(maxDelay, baseDelay * 2 ** attempt);
  }
}

/** Retry-After in any of the forms ARM uses; for a 429 without one, the quota's reset time. */
function announcedDelay(response: PipelineResponse): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(response.headers.get(name));
    if (response.headers.has(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  if (response.status === 429) return parseTimeSpan(response.headers.get('x-ms-user-quota-resets-after'));
  return undefined;
}

/** "hh:mm:ss" (optionally with fractional seconds) → milliseconds. */
export function parseTimeSpan(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$/.exec(value);
  if (!match) return undefined;
  const [, hours, minutes, seconds] = match;
  return Math.round((Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000);
}

function isNetworkError(error: unknown): boolean {
  if (error instanceof Error && error.name === 'AbortError') return false;
  return isRestError(error) && error.statusCode === undefined;
}
