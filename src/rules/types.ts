import type { JsonValue, Severity, Verdict } from '../core/types';
import type { Estate } from '../estate';

/**
 * Where a rule's requirement is written: one of the two 2020 documents, or (`current`) a page of
 * today's Microsoft guidance, named by title and link; then its section heading and its words.
 */
export type RuleSource =
  | {
      /** '000' = studio in a VNet; '001' = experiments and inference in a VNet (titles and links: sources.ts). */
      readonly document: '000' | '001';
      readonly section: string;
      /** The requirement's own words, quoted from the source document (shown in docs and the dashboard). */
      readonly quote: string;
    }
  | {
      /** A rule of today's guidance: run by the `current` profile only. */
      readonly document: 'current';
      readonly page: { readonly title: string; readonly url: string };
      readonly section: string;
      readonly quote: string;
    };

/**
 * A rule's standing against Microsoft's guidance today: `current`, or `superseded` by a change
 * to Azure or to the guidance since the 2020 documents, said in one line with the public page.
 */
export type RuleGuidance =
  | { readonly status: 'current' }
  | { readonly status: 'superseded'; readonly note: string; readonly page: { readonly title: string; readonly url: string } };

/**
 * What a rule says about itself (ESLint's `meta`). Message templates use `{{name}}`
 * placeholders filled from the check's `data`; their IDs are typed per rule.
 */
export interface RuleMeta<MessageId extends string> {
  /** A rule ID of docs/rules.md: a contract, never renamed. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly source: RuleSource;
  /** One sentence: what the rule checks and why it matters. */
  readonly description: string;
  /** What to do about a failure, one or two sentences (the doc holds the az CLI and Bicep). */
  readonly remediation: string;
  /** False for rules that are off unless named with --rules (acr.workspace-edition). */
  readonly enabledByDefault: boolean;
  /** Whether Microsoft's guidance today still asks for this (profiles.ts: the `current` profile runs only these). */
  readonly guidance: RuleGuidance;
  readonly messages: Readonly<Record<MessageId, string>>;
}

/** One thing a rule judges: its subject resource and the workspaces it serves. */
export interface RuleSubject<Target> {
  /** As written in the inventory. */
  readonly resourceId: string;
  readonly workspaceIds: readonly string[];
  readonly target: Target;
}

/**
 * Values for a message's placeholders. `undefined` is allowed (and reads "(not known)") because a
 * check's several return statements unite into one type whose absent fields are `undefined`.
 */
export type MessageData = Readonly<Record<string, string | number | undefined>>;

/** Evidence as a check returns it; the engine drops fields that are `undefined` (see MessageData). */
export type OutcomeEvidence = { readonly [key: string]: JsonValue | undefined };

export interface CheckOutcome<MessageId extends string> {
  readonly status: Verdict;
  readonly messageId: MessageId;
  /** Values for the message placeholders. */
  readonly data?: MessageData;
  readonly evidence?: OutcomeEvidence;
  /**
   * Why the verdict would rest on part of the estate the inventory could not read (it has a gap
   * over it): the engine then reports it unknown, "Not judged: …", and no store writes it, so the
   * finding stays as it was until a whole read judges it.
   */
  readonly notRead?: string;
}

/**
 * A rule: pure, typed, no I/O. `subjects` selects what the rule judges from the estate graph
 * (never by scanning the raw list per subject); `check` judges one subject.
 */
export interface Rule<Target = unknown, MessageId extends string = string> {
  readonly meta: RuleMeta<MessageId>;
  subjects(estate: Estate): Iterable<RuleSubject<Target>>;
  check(subject: RuleSubject<Target>, estate: Estate): CheckOutcome<MessageId>;
}

/**
 * Declares a rule. Its message IDs are the keys of `meta.messages`, its target what `subjects`
 * yields: both inferred, so a rule writes each once and `check` can only name a declared message.
 */
export function defineRule<Target, MessageId extends string>(rule: {
  readonly meta: RuleMeta<MessageId>;
  subjects(estate: Estate): Iterable<RuleSubject<Target>>;
  check(subject: RuleSubject<NoInfer<Target>>, estate: Estate): CheckOutcome<NoInfer<MessageId>>;
}): Rule<Target, MessageId> {
  return rule;
}

/** Any rule, whatever its target and message types (for the registry and the engine). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any, string>;
