import type { AnyRule } from '../types';

/** Rules of the storage family, sorted by ID. */
export const storageRules: readonly AnyRule[] = [];
