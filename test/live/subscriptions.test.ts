import { afterEach, describe, expect, it } from 'vitest';
import { ResourceGraphInventoryProvider } from '../../src/app/inventory';
import { listReadableSubscriptions } from '../../src/live';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { buildTestEstate, SUB_A, SUB_B, SUB_C } from './estate';
import { RecordingCredential, recordedRetry } from './helpers';

/** What sweeps cover when no scope is configured: ARM's list of subscriptions, read as every other ARM read. */
let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const rows = buildTestEstate(0);
const DISABLED = '44444444-4444-4444-4444-444444444444';
const WARNED = '55555555-5555-5555-5555-555555555555';

function options(on: ArmServer, retry = recordedRetry().retry) {
  return { credential: new RecordingCredential(), armEndpoint: on.endpoint, tlsOptions: on.tlsOptions, retry };
}

describe('listReadableSubscriptions', () => {
  it('reads every page of ARM\'s list, keeps those that can be read (not Disabled or Deleted), lowercased and sorted', async () => {
    server = await startArmServer({ rows, pageSize: 2, emptySubscriptions: [SUB_C.toUpperCase(), DISABLED, WARNED.toUpperCase()], subscriptionStates: { [DISABLED]: 'Disabled', [WARNED]: 'Warned' } });
    const listed = await listReadableSubscriptions(options(server));
    expect(listed).toEqual([SUB_A, SUB_B, SUB_C, WARNED].sort());
    const pages = server.requestsOf('subscriptions');
    expect(pages).toHaveLength(3);
    expect(pages.every((page) => page.query['api-version'] === '2022-12-01' && page.authorization === 'Bearer test-token')).toBe(true);
  });

  it('waits out throttling (429 with Retry-After) and a server error, as every ARM read does', async () => {
    const retry = recordedRetry();
    server = await startArmServer({
      rows,
      faults: [
        { when: (request) => request.kind === 'subscriptions' && request.index === 0, status: 429, headers: { 'retry-after': '7' }, times: 1 },
        { when: (request) => request.kind === 'subscriptions', status: 503, times: 1 },
      ],
    });
    expect(await listReadableSubscriptions(options(server, retry.retry))).toEqual([SUB_A, SUB_B, SUB_C]);
    expect(retry.delays.map((delay) => delay.reason)).toEqual(['throttled', 'server-error']);
    expect(retry.sleeps[0]).toBe(7_000);
  });

  it('fails whole, naming ARM\'s error, rather than answer part of the list', async () => {
    server = await startArmServer({
      rows,
      pageSize: 1,
      faults: [{ when: (request) => request.kind === 'subscriptions' && request.query.$skipToken !== undefined, status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no access' } } }],
    });
    await expect(listReadableSubscriptions(options(server))).rejects.toThrow(/403: AuthorizationFailed no access/);
  });

  it('fails on an answer that is not ARM\'s list', async () => {
    server = await startArmServer({ rows, faults: [{ when: (request) => request.kind === 'subscriptions', status: 200, body: { subscriptions: [SUB_A] } }] });
    await expect(listReadableSubscriptions(options(server))).rejects.toThrow(/no `value` array/);
  });

  it('is what the app sweeps when no scope is configured', async () => {
    server = await startArmServer({ rows, emptySubscriptions: [DISABLED], subscriptionStates: { [DISABLED]: 'Deleted' } });
    const provider = new ResourceGraphInventoryProvider(options(server));
    expect(await provider.listSubscriptions()).toEqual([SUB_A, SUB_B, SUB_C]);
    expect(server.requestsOf('subscriptions')).toHaveLength(1);
  });
});
