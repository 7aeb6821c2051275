/** The dashboard: the page, its assets and the rule catalogue, served by functions/dashboard.ts. */
export { dashboardResponse, DASHBOARD_ASSET_PATHS, DASHBOARD_PAGE_PATHS } from './handler';
export type { DashboardLog, DashboardSource } from './handler';
export { renderDashboardPage, DASHBOARD_CSP, securityHeaders, assetUrl } from './page';
export type { DashboardPageInput } from './page';
export { renderTrendSvg, trendPoints, formatTime } from './trend';
export type { TrendPoint, TrendChartOptions } from './trend';
export { ruleCatalogue, ruleCountsOf, ruleInfo, newestSweepPerSubscription, SOURCE_DOCUMENTS } from './catalogue';
export type { DashboardRule, RuleCatalogue, RuleEvaluationCounts, SubscriptionSweepSummary } from './catalogue';
export { escapeHtml, html, SafeHtml } from './escape';
export { dashboardScript, bundleDashboard, DASHBOARD_BUNDLE } from './script';
export { DASHBOARD_CSS } from './styles';
