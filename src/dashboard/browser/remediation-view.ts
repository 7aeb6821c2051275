/**
 * The remediation part of a finding's detail: the latest plan (summary, risk, proof, the az
 * commands filled in, each with a copy button) and the history of plans and applied changes from
 * GET /api/remediations. Every string is attacker-influenced (names, tags): text nodes only.
 */
import type { RemediationRecord } from '../../store';

/** A record as the API answers it (JSON: the same fields). */
export type ClientRemediation = RemediationRecord;

/** What a plan in a record holds that the view shows (src/remediation's Plan, read defensively). */
interface ShownPlan {
  readonly mode: string;
  readonly verified: boolean;
  readonly summary: string;
  readonly risk: string;
  readonly verification: string;
  readonly manualReason: string | undefined;
  readonly az: readonly string[];
  readonly writes: readonly string[];
  readonly rollback: number;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function shownPlan(plan: unknown): ShownPlan | undefined {
  if (typeof plan !== 'object' || plan === null) return undefined;
  const value = plan as Record<string, unknown>;
  const operations = Array.isArray(value.operations) ? value.operations : [];
  return {
    mode: text(value.mode),
    verified: value.verified === true,
    summary: text(value.summary),
    risk: text(value.risk),
    verification: text(value.verification),
    manualReason: typeof value.manualReason === 'string' ? value.manualReason : undefined,
    az: Array.isArray(value.az) ? value.az.filter((line): line is string => typeof line === 'string') : [],
    writes: operations.map((operation) => {
      const op = (typeof operation === 'object' && operation !== null ? operation : {}) as Record<string, unknown>;
      return `${text(op.method)} ${text(op.id)}: ${text(op.description)}`;
    }),
    rollback: Array.isArray(value.rollback) ? value.rollback.length : 0,
  };
}

/** One line of history: when, what, how it ended. */
export function historyLine(record: ClientRemediation): string {
  const verified = record.verified === undefined ? '' : record.verified ? ', verified' : ', NOT verified';
  return `${record.at.slice(0, 16).replace('T', ' ')} UTC · ${record.mode === 'apply' ? 'apply' : 'plan'} · ${record.outcome}${verified} · by ${record.identity}: ${record.detail}`;
}

type Make = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) => HTMLElementTagNameMap[K];

function codeWithCopy(make: Make, code: string, label: string): HTMLElement {
  const box = make('div', 'copyable');
  const pre = make('pre');
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', label);
  pre.append(make('code', undefined, code));
  const button = make('button', 'link-button copy-button', 'Copy');
  button.type = 'button';
  button.setAttribute('aria-label', `Copy: ${label}`);
  button.addEventListener('click', () => {
    void navigator.clipboard?.writeText(code).then(
      () => {
        button.textContent = 'Copied';
      },
      () => {
        button.textContent = 'Copy failed: select the text';
      },
    );
  });
  box.append(pre, button);
  return box;
}

/** The section's nodes, for the records of one finding (newest first) and the app's mode. */
export function remediationNodes(make: Make, records: readonly ClientRemediation[], mode: string): Node[] {
  const nodes: Node[] = [make('h3', undefined, 'Remediation plan')];
  const latest = records.find((record) => shownPlan(record.plan) !== undefined);
  const plan = latest !== undefined ? shownPlan(latest.plan) : undefined;
  if (plan === undefined) {
    nodes.push(
      make(
        'p',
        'muted',
        mode === 'off'
          ? 'No plan recorded: remediation is off (AML_AUDITOR_REMEDIATION). Plan it with: aml-vnet-audit remediate --subscription <id> --rules <rule>.'
          : 'No plan recorded for this finding yet (plans are made when a finding opens).',
      ),
    );
    return nodes;
  }
  const head = make('p');
  head.append(make('span', `plan-mode plan-${plan.mode === 'auto' ? 'auto' : 'manual'}`, plan.mode === 'auto' ? 'automatic' : 'manual'), document.createTextNode(plan.verified ? ' · verified on the estate' : ' · not verified'));
  nodes.push(head, make('p', undefined, plan.summary));
  if (plan.manualReason !== undefined) nodes.push(make('p', 'muted small', `Why manual: ${plan.manualReason}`));
  nodes.push(make('p', 'small', `Risk: ${plan.risk}`), make('p', 'muted small', `Proof: ${plan.verification}`));
  if (plan.az.length > 0) nodes.push(codeWithCopy(make, plan.az.join('\n'), 'az CLI commands of the plan'));
  if (plan.writes.length > 0) {
    const list = make('ul', 'small mono plan-writes');
    for (const write of plan.writes) list.append(make('li', undefined, write));
    nodes.push(list);
  }
  if (plan.rollback > 0) nodes.push(make('p', 'muted small', `Rollback: ${plan.rollback} write(s), kept in the record.`));
  nodes.push(make('h3', undefined, 'Remediation history'));
  const history = make('ol', 'small remediation-history');
  for (const record of records) history.append(make('li', undefined, historyLine(record)));
  nodes.push(history);
  return nodes;
}
