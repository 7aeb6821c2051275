import type { AnyRule } from '../types';

/** Rules of the aci family, sorted by ID. */
export const aciRules: readonly AnyRule[] = [];
