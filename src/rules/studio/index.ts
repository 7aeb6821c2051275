import type { AnyRule } from '../types';

/** Rules of the studio family, sorted by ID. */
export const studioRules: readonly AnyRule[] = [];
