/**
 * Set up for every test file (vitest.config.mts): in a rule's own test file
 * (test/rules/<family>/<name>.test.ts), every message the rule declares in meta.messages must
 * have been produced by the tests, through test/support/rules.ts. A message no test reaches is a
 * sentence no one has read filled in: it fails here, naming the message IDs.
 */
import { afterAll, expect } from 'vitest';
import { ruleById } from '../../src/rules/registry';
import { exercisedMessages } from './rules';

afterAll(() => {
  const path = (expect.getState().testPath ?? '').replace(/\\/g, '/');
  const match = /\/test\/rules\/([a-z]+)\/([a-z0-9-]+)\.test\.ts$/.exec(path);
  if (match === null) return;
  const rule = ruleById(`${match[1] ?? ''}.${match[2] ?? ''}`);
  if (rule === undefined) return;
  const exercised = exercisedMessages.get(rule.meta.id) ?? new Set<string>();
  const unexercised = Object.keys(rule.meta.messages).filter((messageId) => !exercised.has(messageId));
  expect(unexercised, `messages of ${rule.meta.id} that no test in ${match[0].slice(1)} produces`).toEqual([]);
});
