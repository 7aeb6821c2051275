/**
 * Headless Chromium for browser tests and the dashboard bench: Debian's `chromium` driven by
 * playwright-core (toolchain.md: `npx playwright install` cannot download browsers here).
 *
 *   const browser = await launchChromium();
 *   try { const page = await browser.newPage(); … } finally { await browser.close(); }
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline, unprivileged headless run (no sandbox: CI runs as root in a container). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's chromium when missing and we are root; otherwise fails with the one line that fixes it. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium'], { stdio: 'inherit', timeout: 600_000 });
    if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  }
  throw new Error(`${CHROMIUM_PATH} is missing: run "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" (or .ci/run, which does it)`);
}

export interface RunningChromium {
  /** A persistent context over a fresh profile: open pages with `context.newPage()`. */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A browser with a fresh, throw-away user-data-dir, so no state leaks between runs. */
export async function launchChromium(options: { readonly viewport?: { width: number; height: number } } = {}): Promise<RunningChromium> {
  const executablePath = ensureChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'aml-chromium-'));
  const launch: LaunchOptions = { executablePath, args: [...CHROMIUM_ARGS], headless: true };
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { ...launch, viewport: options.viewport ?? { width: 1366, height: 768 }, acceptDownloads: true });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
