/**
 * Profiles: which rules run when none are named. `documented` (the default) is the catalogue of
 * the two 2020 documents, as every earlier version ran it; `current` leaves out the rules Microsoft's
 * guidance has since superseded (meta.guidance), so an estate built the way Azure works today is not
 * told to undo it, and adds the rules of today's guidance (meta.source.document 'current'). Naming
 * rules (`--rules`) runs them whatever the profile.
 */
import { SOURCE_DOCUMENTS } from './sources';
import type { RuleMeta } from './types';

export const PROFILES = ['documented', 'current'] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = 'documented';

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}

/** Whether a rule runs under a profile when no rules are named. */
export function inProfile(meta: RuleMeta<string>, profile: Profile): boolean {
  if (!meta.enabledByDefault) return false;
  if (profile === 'documented') return meta.source.document in SOURCE_DOCUMENTS;
  return meta.guidance.status === 'current';
}

/** One line per profile, for help texts and errors. */
export const PROFILE_HELP = "documented (the 2020 documents' catalogue, the default) or current (without the rules today's guidance superseded)";
