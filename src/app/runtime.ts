import { AsyncLocalStorage } from 'node:async_hooks';
import type { FindingsStore } from '../store';
import type { InventoryProvider } from './inventory';
import type { FindingChangePublisher } from './ports';
import type { AuditorAppOptions } from './service';
import { AuditorApp } from './service';
import type { Environment, Settings } from './settings';

/**
 * The one AuditorApp of a Functions worker. Invocations share it so the per-subscription state
 * and the coalescing window span invocations. In Azure it is built from the app settings on the
 * first invocation (a SettingsError names every problem, in every invocation's log, until fixed);
 * `npm start` and the tests install their own with `useAuditorApp`.
 */
let current: Promise<AuditorApp> | undefined;
/** An app bound to one call chain: lets several local servers (tests) share a process without sharing an app. */
const scoped = new AsyncLocalStorage<AuditorApp>();
let factory: ((env: Environment) => Promise<AuditorApp>) | undefined;

export function useAuditorApp(app: AuditorApp): void {
  current = Promise.resolve(app);
}

/** How to build the app from settings in the host (functions/index.ts installs auditorAppFromEnvironment of src/app/azure.ts, kept apart so tests need no Azure clients). */
export function useAuditorAppFactory(build: (env: Environment) => Promise<AuditorApp>): void {
  factory = build;
}

/** Runs `work` (and everything it schedules) with `app` as the app the Functions see. */
export function runWithAuditorApp<T>(app: AuditorApp, work: () => T): T {
  return scoped.run(app, work);
}

/** Forgets the installed app (only `app`'s, when given: another may have been installed since). */
export function resetAuditorApp(app?: AuditorApp): void {
  if (app === undefined) {
    current = undefined;
    return;
  }
  void current?.then((installed) => {
    if (installed === app) current = undefined;
  });
}

export function getAuditorApp(env: Environment = process.env): Promise<AuditorApp> {
  const bound = scoped.getStore();
  if (bound !== undefined) return Promise.resolve(bound);
  if (current === undefined) {
    if (factory === undefined) return Promise.reject(new Error('the auditor app is not configured: load functions/index, the Functions host entry'));
    const building = factory(env);
    current = building;
    // A failed start is not cached: the next invocation tries again (and logs the same clear error).
    building.catch(() => {
      if (current === building) current = undefined;
    });
  }
  return current;
}

export interface AppParts {
  readonly store: FindingsStore;
  readonly provider: InventoryProvider;
  readonly publisher?: FindingChangePublisher;
  readonly remediation?: AuditorAppOptions['remediation'];
  readonly sharedStates?: AuditorAppOptions['sharedStates'];
}

export function createAuditorApp(settings: Settings, parts: AppParts, extra: Partial<AuditorAppOptions> = {}): AuditorApp {
  return new AuditorApp({
    settings,
    store: parts.store,
    provider: parts.provider,
    ...(parts.publisher !== undefined ? { publisher: parts.publisher } : {}),
    ...(parts.remediation !== undefined ? { remediation: parts.remediation } : {}),
    ...(parts.sharedStates !== undefined ? { sharedStates: parts.sharedStates } : {}),
    ...extra,
  });
}
