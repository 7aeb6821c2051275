import type { AnyRule } from '../types';
import { studioStorageFeaturesRule } from './storage-features';

/** Rules of the studio family, sorted by ID. */
export const studioRules: readonly AnyRule[] = [studioStorageFeaturesRule];
