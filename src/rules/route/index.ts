import type { AnyRule } from '../types';

/** Rules of the route family, sorted by ID. */
export const routeRules: readonly AnyRule[] = [];
