/**
 * The page's script: ./browser/main.ts and what it imports, bundled by esbuild into one file the
 * Content Security Policy allows (script-src 'self'). `npm run build` writes it beside the built
 * handler (scripts/build-dashboard.js); running from the TypeScript sources (tests, vitest), it is
 * bundled in memory from the sources, so what is served is always what the sources say.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root';

/** The bundle's file name, beside the built script.js (dist/src/dashboard/). */
export const DASHBOARD_BUNDLE = 'app.bundle.js';

export async function dashboardScript(): Promise<string> {
  if (__filename.endsWith('.ts')) return bundleDashboard();
  return readFile(join(__dirname, DASHBOARD_BUNDLE), 'utf8');
}

/** Bundles the browser code; writes it to `outfile` when given. esbuild is a build-time dependency only. */
export async function bundleDashboard(outfile?: string): Promise<string> {
  const root = packageRoot(__dirname);
  if (root === undefined) throw new Error('the dashboard sources are not here: run npm run build where the repository is');
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'src', 'dashboard', 'browser', 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // The browser code is ES modules; the server's CommonJS settings (tsconfig.json) are not its own.
    tsconfigRaw: { compilerOptions: { strict: true } },
  });
  const text = result.outputFiles[0]?.text ?? '';
  if (outfile !== undefined) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(outfile, text, 'utf8');
  }
  return text;
}
