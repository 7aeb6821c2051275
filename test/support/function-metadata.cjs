'use strict';
/**
 * Prints, as JSON, what the Azure Functions Node worker would receive from this app: the
 * `registerFunction` metadata of every function and the app hooks. The worker hands
 * `@azure/functions` a `@azure/functions-core` module by patching `require`
 * (Azure/azure-functions-nodejs-worker, src/setupCoreModule.ts); this does the same, then loads the
 * built app as the host would (package.json `main`).
 *
 *   node test/support/function-metadata.cjs <app root>
 */
const Module = require('node:module');
const { join } = require('node:path');

const root = process.argv[2];
// The host sets this for the Node worker; the app registers its start-up hook only there.
process.env.FUNCTIONS_WORKER_RUNTIME = process.env.FUNCTIONS_WORKER_RUNTIME || 'node';
const functions = [];
const hooks = [];
const core = {
  version: '3.10.1',
  hostVersion: '4.1037.0',
  setProgrammingModel() {},
  getProgrammingModel() {
    return { name: '@azure/functions', version: '4' };
  },
  registerFunction(metadata) {
    functions.push(metadata);
    return { dispose() {} };
  },
  registerHook(name) {
    hooks.push(name);
    return { dispose() {} };
  },
  log() {},
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === '@azure/functions-core') return core;
  return load.call(this, request, parent, isMain);
};
// Quiet: what the modules print at load is not the answer.
console.warn = () => undefined;
// The host loads package.json `main`, which must bring in every function file.
require(join(root, require(join(root, 'package.json')).main));
process.stdout.write(JSON.stringify({ functions, hooks }));
