import type { AnyRule } from '../types';
import { databricksDefaultSubnetRule } from './default-subnet';
import { databricksVnetLocationRule } from './vnet-location';

/** Rules of the databricks family, sorted by ID. */
export const databricksRules: readonly AnyRule[] = [databricksDefaultSubnetRule, databricksVnetLocationRule];
