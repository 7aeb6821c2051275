import type { FindingsStore } from '../store/types';
import type { InventoryProvider } from './inventory';
import type { FindingChangePublisher } from './ports';
import type { AuditorAppOptions } from './service';
import { AuditorApp } from './service';
import type { Environment, Settings } from './settings';
import { loadSettings } from './settings';

/**
 * The one AuditorApp of a Functions worker. Invocations share it so the per-subscription state
 * and the coalescing window span invocations. In Azure it is built from the app settings on the
 * first invocation (a SettingsError names every problem, in every invocation's log, until fixed);
 * `npm start` and the tests install their own with `useAuditorApp`.
 */
let current: Promise<AuditorApp> | undefined;
let factory: ((env: Environment) => Promise<AuditorApp>) | undefined;

export function useAuditorApp(app: AuditorApp): void {
  current = Promise.resolve(app);
}

/** How to build the app from settings in the host (set by src/app/azure.ts, kept apart so tests need no Azure clients). */
export function useAuditorAppFactory(build: (env: Environment) => Promise<AuditorApp>): void {
  factory = build;
}

export function resetAuditorApp(): void {
  current = undefined;
}

export function getAuditorApp(env: Environment = process.env): Promise<AuditorApp> {
  if (current === undefined) {
    if (factory === undefined) return Promise.reject(new Error('the auditor app is not configured: import src/app/azure (the Functions entry points do)'));
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
}

export function createAuditorApp(settings: Settings, parts: AppParts, extra: Partial<AuditorAppOptions> = {}): AuditorApp {
  return new AuditorApp({ settings, store: parts.store, provider: parts.provider, ...(parts.publisher !== undefined ? { publisher: parts.publisher } : {}), ...extra });
}

export { loadSettings };
