import type { AnyRule } from '../types';
import { computeSubnetCapacityRule } from './subnet-capacity';
import { computeVnetLocationRule } from './vnet-location';

/** Rules of the compute family, sorted by ID. */
export const computeRules: readonly AnyRule[] = [computeSubnetCapacityRule, computeVnetLocationRule];
