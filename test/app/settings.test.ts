import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_NAME, DEFAULT_RETENTION_DAYS, DEFAULT_SWEEP_SCHEDULE, inScope, loadSettings, SettingsError } from '../../src/app/settings';
import { DEFAULT_STATE_CACHE_ROWS } from '../../src/app/subscription-state';

const minimal = { AML_AUDITOR_STORAGE_CONNECTION: 'UseDevelopmentStorage=true' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadSettings', () => {
  it('applies the defaults: every subscription, six-hourly sweeps, Resource Graph, no topic', () => {
    const settings = loadSettings(minimal);
    expect(settings.scopeSubscriptions).toEqual([]);
    expect(settings.sweepSchedule).toBe(DEFAULT_SWEEP_SCHEDULE);
    expect(settings.inventory).toEqual({ kind: 'resource-graph' });
    expect(settings.queueName).toBe(DEFAULT_QUEUE_NAME);
    expect(settings.eventGridTopicEndpoint).toBeUndefined();
    expect(settings.remediation).toBe('off');
    expect(settings.stateCacheRows).toBe(DEFAULT_STATE_CACHE_ROWS);
    expect(inScope(settings, 'ANY-subscription')).toBe(true);
  });

  it('keeps resolved findings and sweep records AML_AUDITOR_RETENTION_DAYS days (default 90, 0 = forever)', () => {
    expect(loadSettings(minimal).retentionDays).toBe(DEFAULT_RETENTION_DAYS);
    expect(loadSettings({ ...minimal, AML_AUDITOR_RETENTION_DAYS: '0' }).retentionDays).toBe(0);
    for (const bad of ['-1', '7d', '99999']) expect(problemsOf({ ...minimal, AML_AUDITOR_RETENTION_DAYS: bad })[0]).toMatch(/^AML_AUDITOR_RETENTION_DAYS: /);
  });

  it('judges with the AML_AUDITOR_PROFILE profile: documented by default, or current', () => {
    expect(loadSettings(minimal).profile).toBe('documented');
    expect(loadSettings({ ...minimal, AML_AUDITOR_PROFILE: 'Current' }).profile).toBe('current');
    expect(problemsOf({ ...minimal, AML_AUDITOR_PROFILE: 'latest' })).toEqual(["AML_AUDITOR_PROFILE: 'latest' is not one of documented, current"]);
  });

  it('bounds the in-memory subscription states by AML_AUDITOR_STATE_CACHE_ROWS (a whole number from 1)', () => {
    expect(loadSettings({ ...minimal, AML_AUDITOR_STATE_CACHE_ROWS: '200000' }).stateCacheRows).toBe(200_000);
    for (const bad of ['0', '-1', '1e6', 'lots']) {
      const problems = problemsOf({ ...minimal, AML_AUDITOR_STATE_CACHE_ROWS: bad });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^AML_AUDITOR_STATE_CACHE_ROWS: /);
    }
  });

  it('reads a scope, a snapshot inventory and a managed-identity account URL', () => {
    const settings = loadSettings({
      AML_AUDITOR_SCOPE_SUBSCRIPTIONS: ' 3F2B8C1D-7E4A-4B9C-A1D2-5E6F7A8B9C0D, /subscriptions/9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c ',
      AML_AUDITOR_INVENTORY: 'snapshot:samples/sample-estate.json',
      AML_AUDITOR_STORAGE_ACCOUNT_URL: 'https://stauditor.table.core.windows.net',
      AML_AUDITOR_SWEEP_SCHEDULE: '0 */15 * * * *',
      AML_AUDITOR_COALESCE_MS: '250',
    });
    expect(settings.scopeSubscriptions).toEqual(['3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d', '9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c']);
    expect(settings.inventory).toEqual({ kind: 'snapshot', path: 'samples/sample-estate.json' });
    expect(settings.storage).toEqual({ kind: 'account-url', url: 'https://stauditor.table.core.windows.net' });
    expect(settings.coalesceMs).toBe(250);
    expect(inScope(settings, '9C4E1A7B-2D3F-4E5A-8B6C-0D1E2F3A4B5C')).toBe(true);
    expect(inScope(settings, '00000000-0000-0000-0000-000000000000')).toBe(false);
  });

  it('accepts cloud names as the CLI does (the Azure CLI\'s AzureCloud, the SDKs\' AzurePublicCloud, any case)', () => {
    for (const [name, cloud] of [['AzureCloud', 'AzurePublicCloud'], ['azurepubliccloud', 'AzurePublicCloud'], ['AzureUSGovernment', 'AzureUSGovernment'], ['AZURECHINACLOUD', 'AzureChinaCloud']] as const) {
      expect(loadSettings({ ...minimal, AML_AUDITOR_CLOUD: name }).cloud).toBe(cloud);
    }
  });

  it('reports every problem at once, one line each, naming the setting', () => {
    const problems = problemsOf({
      AML_AUDITOR_SCOPE_SUBSCRIPTIONS: 'prod,3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d',
      AML_AUDITOR_SWEEP_SCHEDULE: '0 */6 * * *',
      AML_AUDITOR_INVENTORY: 'graph',
      AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT: 'http://topic.example',
      AML_AUDITOR_QUEUE_NAME: 'Sweeps_Queue',
      AML_AUDITOR_REMEDIATION: 'maybe',
      AML_AUDITOR_COALESCE_MS: '-5',
      AML_AUDITOR_CLOUD: 'Mars',
    });
    const settingsNamed = problems.map((problem) => problem.split(/[: ]/)[0]);
    expect(settingsNamed).toEqual([
      'AML_AUDITOR_SCOPE_SUBSCRIPTIONS',
      'AML_AUDITOR_SWEEP_SCHEDULE',
      'AML_AUDITOR_STORAGE_ACCOUNT_URL',
      'AML_AUDITOR_INVENTORY',
      'AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT',
      'AML_AUDITOR_QUEUE_NAME',
      'AML_AUDITOR_REMEDIATION',
      'AML_AUDITOR_COALESCE_MS',
      'AML_AUDITOR_CLOUD',
    ]);
    expect(problems[1]).toContain('five fields');
    for (const problem of problems) expect(problem).not.toContain('\n');
  });

  it('refuses both storage settings at once and a topic key without a topic', () => {
    const problems = problemsOf({ ...minimal, AML_AUDITOR_STORAGE_ACCOUNT_URL: 'https://a.table.core.windows.net', AML_AUDITOR_EVENTGRID_TOPIC_KEY: 'k' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('both set');
    expect(problems[1]).toContain('AML_AUDITOR_EVENTGRID_TOPIC_KEY');
  });

  it('accepts NCRONTAB ranges, lists and steps, and rejects out-of-range hours', () => {
    expect(problemsOf({ ...minimal, AML_AUDITOR_SWEEP_SCHEDULE: '0 0,30 8-18 * * 1-5' })).toEqual([]);
    expect(problemsOf({ ...minimal, AML_AUDITOR_SWEEP_SCHEDULE: '0 0 25 * * *' })[0]).toContain('hour');
  });

  it('refuses the old boolean setting with a pointer to the new one', () => {
    for (const old of ['true', 'false']) expect(problemsOf({ ...minimal, AML_AUDITOR_AUTO_REMEDIATION: old })[0]).toContain('replaced by AML_AUDITOR_REMEDIATION');
    expect(problemsOf({ ...minimal, AML_AUDITOR_REMEDIATION: 'Off' })).toEqual([]);
  });

  it('reads the remediation mode, its allowlist of automatically remediable rules, and its caps', () => {
    const settings = loadSettings({ ...minimal, AML_AUDITOR_REMEDIATION: 'apply', AML_AUDITOR_REMEDIATION_RULES: 'storage.trusted-services, nsg.mcr-outbound', AML_AUDITOR_REMEDIATION_MAX_PER_RUN: '2', AML_AUDITOR_REMEDIATION_MAX_PER_HOUR: '0' });
    expect(settings).toMatchObject({ remediation: 'apply', remediationRules: ['storage.trusted-services', 'nsg.mcr-outbound'], remediationMaxPerRun: 2, remediationMaxPerHour: 0 });
    expect(loadSettings(minimal)).toMatchObject({ remediation: 'off', remediationRules: [], remediationMaxPerRun: 5, remediationMaxPerHour: 20 });
    const problems = problemsOf({ ...minimal, AML_AUDITOR_REMEDIATION: 'fix', AML_AUDITOR_REMEDIATION_RULES: 'storage.default-deny,nope', AML_AUDITOR_REMEDIATION_MAX_PER_RUN: '-1' });
    expect(problems[0]).toContain("'fix' is not off, plan or apply");
    expect(problems[1]).toMatch(/storage\.default-deny, nope cannot be remediated automatically/);
    expect(problems[2]).toContain('AML_AUDITOR_REMEDIATION_MAX_PER_RUN');
  });
});

describe('every setting is documented', () => {
  it('local.settings.sample.json and the README name every setting loadSettings reads, and the sample settings load', async () => {
    const { SETTING_NAMES } = await import('../../src/app/settings');
    const root = join(__dirname, '..', '..');
    const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of SETTING_NAMES) {
      expect(Object.keys(sample.Values), name).toContain(name);
      expect(readme, name).toContain(`\`${name}\``);
    }
    expect(() => loadSettings(sample.Values)).not.toThrow();
  });
});
