import type { AnyRule } from '../types';

/** Rules of the acr family, sorted by ID. */
export const acrRules: readonly AnyRule[] = [];
