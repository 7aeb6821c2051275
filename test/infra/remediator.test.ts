import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/inventory/snapshot';
import { planRemediations } from '../../src/remediation';

/** Least privilege for apply mode: one list of actions, used by infra, shown by the docs, covering every write a plan makes. */
const ROOT = join(__dirname, '..', '..');
const read = (...parts: string[]): string => readFileSync(join(ROOT, ...parts), 'utf8');
const ACTIONS = JSON.parse(read('infra', 'modules', 'remediator-actions.json')) as string[];

describe('the remediator role', () => {
  it('is granted only in apply mode, from the one list of actions', () => {
    const main = read('infra', 'main.bicep');
    expect(main).toMatch(/module remediator 'modules\/subscription-remediator\.bicep' = if \(remediationMode == 'apply'\)/);
    expect(read('infra', 'modules', 'subscription-remediator.bicep')).toContain("loadJsonContent('remediator-actions.json')");
    expect(read('infra', 'app.bicep')).toContain("{ name: 'AML_AUDITOR_REMEDIATION', value: remediationMode }");
  });

  it('docs/remediation.md shows exactly these actions', () => {
    const role = /```json\n([\s\S]*?)\n```/.exec(read('docs', 'remediation.md'))?.[1] ?? '{}';
    expect((JSON.parse(role) as { Actions: string[] }).Actions).toEqual(ACTIONS);
  });

  it('covers every write the automatic plans of the sample make (and the reads before and after)', () => {
    const inventory = parseSnapshot(read('samples', 'sample-estate.json'), 'sample');
    const plans = planRemediations(inventory).plans.filter((plan) => plan.mode === 'auto');
    expect(plans.length).toBeGreaterThan(5);
    const lower = new Set(ACTIONS.map((action) => action.toLowerCase()));
    for (const operation of plans.flatMap((plan) => plan.operations)) {
      const match = /\/providers\/([^/]+)\/(.+)$/i.exec(operation.id);
      const segments = (match?.[2] ?? '').split('/');
      const type = `${match?.[1] ?? ''}/${segments.filter((_, index) => index % 2 === 0).join('/')}`.toLowerCase();
      expect(lower.has(`${type}/write`), `${type}/write for ${operation.id}`).toBe(true);
      expect(lower.has(`${type}/read`), `${type}/read`).toBe(true);
    }
  });
});
