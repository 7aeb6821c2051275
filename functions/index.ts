/**
 * The app's entry (package.json `main`), the one file the Functions host loads: it says how the app
 * is built in Azure (from app settings), builds it when the worker starts so every settings problem
 * is in the log before the first event, and loads the functions, one per file, which register
 * themselves. Nothing else in the app has an import side effect.
 */
import { app } from '@azure/functions';
import { auditorAppFromEnvironment } from '../src/app/azure';
import { getAuditorApp, useAuditorAppFactory } from '../src/app/runtime';
import './audit';
import './auditAutomation';
import './dashboard';
import './findings';
import './remediations';
import './resourceChanged';
import './sweepScheduled';
import './sweepSubscription';

useAuditorAppFactory(auditorAppFromEnvironment);

// Only in the Functions host (which sets FUNCTIONS_WORKER_RUNTIME): tests and the local server load
// the function files without it.
if (process.env.FUNCTIONS_WORKER_RUNTIME !== undefined) {
  app.hook.appStart(() => {
    getAuditorApp().catch((error: unknown) => {
      console.error(`aml-vnet-auditor cannot start: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
}
