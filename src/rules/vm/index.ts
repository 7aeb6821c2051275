import type { AnyRule } from '../types';

/** Rules of the vm family, sorted by ID. */
export const vmRules: readonly AnyRule[] = [];
