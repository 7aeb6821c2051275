import type { PlanApplyReport } from './apply';
import type { Plan, PlanDocument } from './types';

/** Plans and apply reports as a person reads them on a terminal (JSON is the document itself). */

function indent(lines: readonly string[], by = '    '): string[] {
  return lines.map((line) => `${by}${line}`);
}

function planBlock(plan: Plan, index: number): string[] {
  const badge = plan.mode === 'auto' ? (plan.verified ? 'auto, verified' : 'auto, NOT verified') : plan.verified ? 'manual, verified' : 'manual';
  const lines = [`${index + 1}. [${badge}] ${plan.ruleId} (${plan.severity}) on ${plan.resourceId}`, ...indent([plan.summary], '   ')];
  if (plan.manualReason !== undefined) lines.push(`   Why manual: ${plan.manualReason}`);
  lines.push(`   Risk: ${plan.risk}`);
  lines.push(`   Proof: ${plan.verification}`);
  if (plan.operations.length > 0) {
    lines.push('   Writes:');
    for (const operation of plan.operations) lines.push(`     ${operation.method} ${operation.id} (api-version ${operation.apiVersion}${operation.ifMatch !== undefined ? `, If-Match ${operation.ifMatch}` : ''}): ${operation.description}`);
  }
  if (plan.az.length > 0) {
    lines.push('   az CLI:');
    for (const command of plan.az) lines.push(`     ${command}`);
  }
  if (plan.rollback.length > 0) lines.push(`   Rollback: ${plan.rollback.length} write(s): ${plan.rollback.map((operation) => operation.description).join('; ')}`);
  return lines;
}

export function renderPlansTable(document: PlanDocument): string {
  const auto = document.plans.filter((plan) => plan.mode === 'auto');
  const verified = document.plans.filter((plan) => plan.verified).length;
  const header = `${document.plans.length} plan(s): ${auto.length} automatic, ${document.plans.length - auto.length} manual; ${verified} verified on the estate.`;
  if (document.plans.length === 0) return 'Nothing to remediate: no failing finding.\n';
  return `${[header, '', ...document.plans.flatMap((plan, index) => [...planBlock(plan, index), ''])].join('\n')}`;
}

export function renderApplyTable(reports: readonly PlanApplyReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    const verification = report.verified === undefined ? '' : report.verified ? ', verified' : ', NOT verified';
    lines.push(`${report.ruleId} on ${report.resourceId}: ${report.outcome}${verification}`);
    if (report.verification !== undefined) lines.push(`  ${report.verification}`);
    for (const operation of report.operations) lines.push(`  ${operation.outcome.padEnd(9)} ${operation.description}: ${operation.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
