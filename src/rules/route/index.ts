import type { AnyRule } from '../types';
import { routeForcedTunnelBatchRule } from './forced-tunnel-batch';

/** Rules of the route family, sorted by ID. */
export const routeRules: readonly AnyRule[] = [routeForcedTunnelBatchRule];
