import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { DelayEvent, RetrySettings } from '../../src/live/throttle';

/** A credential that records the scopes it was asked for; any object with getToken() will do. */
export class RecordingCredential implements TokenCredential {
  readonly scopes: string[] = [];
  constructor(private readonly token = 'test-token') {}
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** Retry settings whose sleeps resolve at once but are recorded, so tests assert delays without waiting. */
export function recordedRetry(overrides: RetrySettings = {}): { retry: RetrySettings; sleeps: number[]; delays: DelayEvent[] } {
  const sleeps: number[] = [];
  const delays: DelayEvent[] = [];
  return {
    sleeps,
    delays,
    retry: {
      retryDelayMs: 10,
      ...overrides,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onDelay: (event) => delays.push(event),
    },
  };
}
