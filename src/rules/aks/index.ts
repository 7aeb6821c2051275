import type { AnyRule } from '../types';

/** Rules of the aks family, sorted by ID. */
export const aksRules: readonly AnyRule[] = [];
