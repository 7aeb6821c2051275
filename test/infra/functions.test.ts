import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

interface Binding {
  readonly type: string;
  readonly direction: string;
  readonly name: string;
  readonly [key: string]: unknown;
}

interface FunctionMetadata {
  readonly name: string;
  /** Binding name → binding, as @azure/functions 4 sends them. */
  readonly bindings: Readonly<Record<string, Binding>>;
  readonly retryOptions?: unknown;
}

let registered: { functions: FunctionMetadata[]; hooks: string[] };
const bindingsOf = (name: string): Binding[] => Object.values(registered.functions.find((item) => item.name === name)?.bindings ?? {});

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'ignore', timeout: 240_000 });
  const child = spawnSync(process.execPath, [join(ROOT, 'test', 'support', 'function-metadata.cjs'), ROOT], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AML_AUDITOR_STORAGE_CONNECTION: 'UseDevelopmentStorage=true' } });
  if (child.status !== 0) throw new Error(child.stderr);
  registered = JSON.parse(child.stdout) as typeof registered;
}, 300_000);

/**
 * What the Functions host will receive, checked against infra/main.bicep without Azure: the
 * function names the Event Grid subscriptions target, the settings the bindings name, the queue.
 */
describe('function metadata the worker sends the host', () => {
  const bicep = readFileSync(join(ROOT, 'infra', 'app.bicep'), 'utf8');
  const postdeploy = readFileSync(join(ROOT, 'hooks', 'postdeploy.sh'), 'utf8');

  it('registers one function per file in functions/, named as the file, and the start-up hook once', () => {
    expect(registered.functions.map((item) => item.name).sort()).toEqual(['audit', 'auditAutomation', 'dashboard', 'findings', 'remediations', 'resourceChanged', 'sweepScheduled', 'sweepSubscription']);
    // The entry (functions/index.ts) loads every function file: one left out would never register.
    const files = readdirSync(join(ROOT, 'functions')).filter((name) => name.endsWith('.ts') && name !== 'index.ts').map((name) => name.replace(/\.ts$/, ''));
    expect(registered.functions.map((item) => item.name).sort()).toEqual(files.sort());
    expect(registered.hooks.filter((hook) => hook === 'appStart')).toHaveLength(1);
  });

  it('keys only the automation route (function key) and the Event Grid trigger; people reach the others through Entra sign-in', () => {
    const authLevels = Object.fromEntries(registered.functions.map((item) => [item.name, bindingsOf(item.name).find((binding) => binding.type === 'httpTrigger')?.authLevel]));
    expect(authLevels).toMatchObject({ audit: 'anonymous', findings: 'anonymous', dashboard: 'anonymous', auditAutomation: 'function' });
    const excluded = /excludedPaths: \[([^\]]*)\]/.exec(bicep)?.[1] ?? '';
    expect(excluded).toContain("'/api/automation/audit'");
  });

  it('the Event Grid subscriptions (hooks/postdeploy.sh) target the function that has the Event Grid trigger', () => {
    const trigger = bindingsOf('resourceChanged').find((binding) => binding.direction === 'in');
    expect(trigger?.type).toBe('eventGridTrigger');
    const targets = [...postdeploy.matchAll(/\/functions\/([A-Za-z]+)"/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target).toBe('resourceChanged');
  });

  it('every %SETTING% and connection a binding names is an app setting infra sets', () => {
    const settings = new Set([...bicep.matchAll(/name: '([A-Za-z0-9_]+)'/g)].map((match) => match[1]));
    expect(settings.has('AML_AUDITOR_QUEUE_NAME')).toBe(true);
    const named: string[] = [];
    for (const item of registered.functions) {
      for (const binding of bindingsOf(item.name)) {
        for (const value of Object.values(binding)) if (typeof value === 'string') for (const match of value.matchAll(/%([A-Za-z0-9_]+)%/g)) named.push(match[1] ?? '');
        // An identity-based connection is named by its prefix: <connection>__accountName (or __queueServiceUri).
        if (typeof binding.connection === 'string') named.push(`${binding.connection}__accountName`);
      }
    }
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !settings.has(name))).toEqual([]);
  });

  it('the sweep queue the functions use is the queue infra creates, with its poison queue', () => {
    const queueBindings = registered.functions.flatMap((item) => bindingsOf(item.name)).filter((binding) => binding.type === 'queue' || binding.type === 'queueTrigger');
    expect(queueBindings.length).toBe(2);
    const queueSetting = /var queueName = '([^']+)'/.exec(bicep)?.[1];
    expect(queueSetting).toBe('aml-auditor-sweeps');
    for (const binding of queueBindings) expect(binding.queueName).toBe('%AML_AUDITOR_QUEUE_NAME%');
    expect(bicep).toContain("{ name: 'AML_AUDITOR_QUEUE_NAME', value: queueName }");
    expect(bicep).toContain("name: '${queueName}-poison'");
  });
});
