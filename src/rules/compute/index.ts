import type { AnyRule } from '../types';

/** Rules of the compute family, sorted by ID. */
export const computeRules: readonly AnyRule[] = [];
