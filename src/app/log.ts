import type { InvocationContext } from '@azure/functions';
import type { AppLog } from './service';

/** The app's log over an invocation's context (Application Insights in Azure, the console locally). */
export function contextLog(context: InvocationContext): AppLog {
  return {
    info: (message) => context.log(message),
    warn: (message) => context.warn(message),
    error: (message) => context.error(message),
  };
}
