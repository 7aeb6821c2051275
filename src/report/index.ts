/** Renderers of a FindingsReport: JSON (the contract's document), CSV, the terminal table, SARIF 2.1.0. */
export { renderJson, auditDocument, findingDocument } from './json';
export type { AuditDocument, FindingDocument } from './json';
export { renderCsv, csvCell, CSV_COLUMNS } from './csv';
export { renderTable, groupByWorkspaces, compareFindings } from './table';
export type { TableOptions } from './table';
export { renderSarif, sarifLog, sarifLevel, findingFingerprint, FINGERPRINT_KEY, TOOL_NAME } from './sarif';
export type { SarifOptions } from './sarif';
export { stripTerminalControls } from './sanitize';
