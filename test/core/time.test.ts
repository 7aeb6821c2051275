import { describe, expect, it } from 'vitest';
import { earlierBy, maxTime } from '../../src/core/time';

describe('times', () => {
  it('earlierBy: a time moved back, the time itself for no move, undefined for what is not a time', () => {
    expect(earlierBy('2026-11-24T10:00:00.000Z', 10 * 60_000)).toBe('2026-11-24T09:50:00.000Z');
    expect(earlierBy('2026-11-24T10:00:00Z', 0)).toBe('2026-11-24T10:00:00Z');
    expect(earlierBy('not a time', 1_000)).toBeUndefined();
  });

  it('maxTime: the later of two, the second when the first is missing', () => {
    expect(maxTime('2026-11-24T10:00:00.000Z', '2026-11-24T09:00:00.000Z')).toBe('2026-11-24T10:00:00.000Z');
    expect(maxTime(undefined, '2026-11-24T09:00:00.000Z')).toBe('2026-11-24T09:00:00.000Z');
  });
});
