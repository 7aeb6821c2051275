#!/usr/bin/env node
'use strict';
/**
 * `npm run build`, after tsc: bundles the dashboard's browser code (src/dashboard/browser) into
 * dist/src/dashboard/app.bundle.js, the script the built app serves.
 */
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const { bundleDashboard, DASHBOARD_BUNDLE } = require(join(root, 'dist', 'src', 'dashboard', 'script.js'));
bundleDashboard(join(root, 'dist', 'src', 'dashboard', DASHBOARD_BUNDLE)).catch((error) => {
  process.stderr.write(`the dashboard bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
