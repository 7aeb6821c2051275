import type { AnyRule } from '../types';

/** Rules of the databricks family, sorted by ID. */
export const databricksRules: readonly AnyRule[] = [];
