#!/usr/bin/env node
'use strict';
/**
 * `npm run audit` and `npm start`: run a built entry point, compiling first only when a source is
 * newer than the last build (a no-change `tsc` costs seconds; this check costs milliseconds).
 * The entry runs in this very process, so signals sent to npm's child reach it and exit codes
 * pass through unchanged.
 *
 *   node scripts/run-built.js dist/src/cli/main.js [args…]
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const buildInfo = join(root, 'dist', '.tsbuildinfo');
const bundle = join(root, 'dist', 'src', 'dashboard', 'app.bundle.js');
const SOURCES = ['src', 'functions', 'bench'];
const CONFIG = ['tsconfig.json', 'package.json'];

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (path.endsWith('.ts') || path.endsWith('.json')) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const folder of SOURCES) if (existsSync(join(root, folder))) visit(join(root, folder));
  for (const file of CONFIG) if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write('usage: node scripts/run-built.js <built entry point> [args…]\n');
  process.exit(2);
}
const target = resolve(root, entry);
const stale = !existsSync(target) || !existsSync(buildInfo) || statSync(buildInfo).mtimeMs < newestSource();
if (stale) {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (built.status !== 0) {
    process.stderr.write('the build failed (see above); fix the TypeScript errors and run again\n');
    process.exit(built.status ?? 1);
  }
  // tsc leaves its build info untouched when nothing it emits changed: mark the check as done.
  if (existsSync(buildInfo)) utimesSync(buildInfo, new Date(), new Date());
}
// The dashboard's script is bundled from the built sources (scripts/build-dashboard.js).
if (stale || !existsSync(bundle)) {
  const bundled = spawnSync(process.execPath, [join(root, 'scripts', 'build-dashboard.js')], { stdio: 'inherit' });
  if (bundled.status !== 0) process.exit(bundled.status ?? 1);
}
process.argv = [process.argv[0], target, ...args];
require(target);
