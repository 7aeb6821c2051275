import type { AnyRule } from '../types';

/** Rules of the nsg family, sorted by ID. */
export const nsgRules: readonly AnyRule[] = [];
