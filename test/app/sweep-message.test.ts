import { describe, expect, it } from 'vitest';
import { MAX_SWEEP_BATCH, parseSweepMessage, sweepMessages } from '../../src/app/sweep-message';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const AT = '2026-12-01T00:00:00.000Z';

describe('sweepMessages', () => {
  it('puts the targets in order, a batch to a message', () => {
    expect(sweepMessages([A, B, C], { requestedAt: AT, trigger: 'timer', batchSize: 2 })).toEqual([
      { subscriptionIds: [A, B], requestedAt: AT, trigger: 'timer' },
      { subscriptionIds: [C], requestedAt: AT, trigger: 'timer' },
    ]);
    expect(sweepMessages([], { requestedAt: AT, trigger: 'timer', batchSize: 2 })).toEqual([]);
  });

  it('never puts more subscriptions in a message than Resource Graph takes in a request', () => {
    const many = Array.from({ length: 1500 }, (_, index) => `${String(index).padStart(8, '0')}-1111-4111-8111-111111111111`);
    expect(sweepMessages(many, { requestedAt: AT, trigger: 'timer', batchSize: 5000 }).map((message) => message.subscriptionIds.length)).toEqual([MAX_SWEEP_BATCH, 500]);
  });
});

describe('parseSweepMessage', () => {
  it('reads a batch, as JSON or as text, lowercasing and dropping repeats', () => {
    expect(parseSweepMessage({ subscriptionIds: [A, B.toUpperCase(), ` ${A} `], requestedAt: AT, trigger: 'startup' })).toEqual({ message: { subscriptionIds: [A, B], requestedAt: AT, trigger: 'startup' } });
    expect(parseSweepMessage(JSON.stringify({ subscriptionIds: [C], requestedAt: AT }))).toEqual({ message: { subscriptionIds: [C], requestedAt: AT, trigger: 'timer' } });
  });

  it('reads a message of one subscriptionId, the shape queued before batches, as a batch of one', () => {
    expect(parseSweepMessage({ subscriptionId: A, requestedAt: AT, trigger: 'timer' })).toEqual({ message: { subscriptionIds: [A], requestedAt: AT, trigger: 'timer' } });
  });

  it.each([
    ['not json', /not JSON/],
    [[A], /not a JSON object/],
    [{}, /neither 'subscriptionIds' nor 'subscriptionId'/],
    [{ subscriptionIds: [] }, /non-empty array/],
    [{ subscriptionIds: A }, /non-empty array/],
    [{ subscriptionIds: [A, 'prod'] }, /"prod" is not a subscription ID/],
    [{ subscriptionId: '<img src=x>' }, /is not a subscription ID/],
    [{ subscriptionIds: Array.from({ length: MAX_SWEEP_BATCH + 1 }, () => A) }, /at most 1000/],
  ])('refuses %j with the reason', (input, reason) => {
    const parsed = parseSweepMessage(input);
    expect('problem' in parsed && parsed.problem).toMatch(reason);
  });
});

describe('sweepMessages sized by rows', () => {
  const D = '44444444-4444-4444-8444-444444444444';
  it('closes a message before it passes the row budget, and sends a larger subscription alone', () => {
    const rows = new Map([
      [A, 8_000],
      [B, 8_000],
      [C, 30_000],
      [D, 100],
    ]);
    expect(sweepMessages([A, B, C, D], { requestedAt: AT, trigger: 'timer', batchSize: 50, rows, maxRows: 20_000 }).map((message) => message.subscriptionIds)).toEqual([[A, B], [C], [D]]);
    expect(sweepMessages([A, B, C, D], { requestedAt: AT, trigger: 'timer', batchSize: 50, rows, maxRows: 10_000 }).map((message) => message.subscriptionIds)).toEqual([[A], [B], [C], [D]]);
  });

  it('counts a subscription it has no figure for as nothing, and still keeps to the batch size', () => {
    const rows = new Map([[A, 19_999]]);
    expect(sweepMessages([A, B, C], { requestedAt: AT, trigger: 'timer', batchSize: 2, rows, maxRows: 20_000 }).map((message) => message.subscriptionIds)).toEqual([[A, B], [C]]);
  });
});
