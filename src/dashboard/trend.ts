import type { Severity } from '../core/types';
import { SEVERITIES } from '../core/types';
import type { SweepRecord } from '../store';
import { html, SafeHtml } from './escape';

/**
 * The trend of open findings over sweeps, from the store's sweep records. A sweep record counts
 * the findings (fail + unknown) of one subscription at one sweep; the estate's total after a
 * sweep is the sum of each subscription's newest counted sweep up to then. Only complete,
 * applied sweeps count: a partial or superseded sweep did not see the whole subscription, and a
 * failed one saw nothing.
 */
export interface TrendPoint {
  /** The sweep's start (its evaluatedAt), ISO 8601. */
  readonly at: string;
  readonly total: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Subscriptions contributing to this point. */
  readonly subscriptions: number;
}

export function trendPoints(records: readonly SweepRecord[]): TrendPoint[] {
  const counted = records
    .filter((record) => record.complete && !record.superseded && record.error === undefined)
    .slice()
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.subscriptionId.localeCompare(b.subscriptionId)));
  const latest = new Map<string, SweepRecord>();
  const points: TrendPoint[] = [];
  for (const record of counted) {
    latest.set(record.subscriptionId, record);
    const bySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0 };
    for (const current of latest.values()) for (const severity of SEVERITIES) bySeverity[severity] += safeCount(current.bySeverity[severity]);
    const point: TrendPoint = { at: record.startedAt, total: SEVERITIES.reduce((sum, severity) => sum + bySeverity[severity], 0), bySeverity, subscriptions: latest.size };
    // Sweeps of several subscriptions started at the same instant make one point, not a staircase.
    if (points.length > 0 && points[points.length - 1]?.at === point.at) points[points.length - 1] = point;
    else points.push(point);
  }
  return points;
}

function safeCount(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

export interface TrendChartOptions {
  readonly width?: number;
  readonly height?: number;
}

const WIDTH = 480;
const HEIGHT = 150;
const MARGIN = { top: 12, right: 16, bottom: 30, left: 44 } as const;

/**
 * A server-rendered SVG line chart (no script, no inline style: the CSP forbids both; colours
 * come from classes in app.css). The total and the high-severity series; every point has a
 * <title> (the tooltip) and the chart a text alternative.
 */
export function renderTrendSvg(points: readonly TrendPoint[], options: TrendChartOptions = {}): SafeHtml {
  const width = options.width ?? WIDTH;
  const height = options.height ?? HEIGHT;
  if (points.length === 0) {
    return html`<p class="empty" id="trend-empty">No complete sweep has been recorded yet: the trend appears after the first sweep.</p>`;
  }
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const maxValue = niceMax(Math.max(...points.map((point) => point.total)));
  const times = points.map((point) => Date.parse(point.at));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const x = (index: number): number => {
    const time = times[index] ?? first;
    return MARGIN.left + (last === first ? plotWidth / 2 : ((time - first) / (last - first)) * plotWidth);
  };
  const y = (value: number): number => MARGIN.top + plotHeight - (value / maxValue) * plotHeight;
  const path = (values: readonly number[]): string => values.map((value, index) => `${index === 0 ? 'M' : 'L'}${round(x(index))},${round(y(value))}`).join(' ');

  const ticks = [0, maxValue / 2, maxValue].map(
    (value) =>
      html`<g class="tick"><line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${round(y(value))}" y2="${round(y(value))}"></line><text x="${MARGIN.left - 6}" y="${round(y(value)) + 4}" text-anchor="end">${formatCount(value)}</text></g>`,
  );
  const lastPoint = points[points.length - 1] as TrendPoint;
  const firstPoint = points[0] as TrendPoint;
  const xLabels = [html`<text class="axis-label" x="${MARGIN.left}" y="${height - 8}" text-anchor="start">${formatTime(firstPoint.at)}</text>`];
  if (points.length > 1) xLabels.push(html`<text class="axis-label" x="${width - MARGIN.right}" y="${height - 8}" text-anchor="end">${formatTime(lastPoint.at)}</text>`);
  const markers = points.map(
    (point, index) =>
      html`<circle class="point" cx="${round(x(index))}" cy="${round(y(point.total))}" r="3"><title>${formatTime(point.at)}: ${point.total} open (high ${point.bySeverity.high}, medium ${point.bySeverity.medium}, low ${point.bySeverity.low}, info ${point.bySeverity.info}) over ${point.subscriptions} subscription(s)</title></circle>`,
  );
  // The current value, written next to the last point: a one-sweep chart still says something.
  const valueLabel = html`<text class="value-label" x="${round(x(points.length - 1)) + (points.length === 1 ? 8 : -4)}" y="${round(y(lastPoint.total)) - 8}" text-anchor="${points.length === 1 ? 'start' : 'end'}">${lastPoint.total} open</text>`;
  const summary = `Open findings over ${points.length} sweep point(s), from ${formatTime(firstPoint.at)} to ${formatTime(lastPoint.at)}: now ${lastPoint.total} (${lastPoint.bySeverity.high} high).`;
  return html`<svg class="trend" id="trend-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg"><title id="trend-title">Open findings over sweeps</title><desc id="trend-desc">${summary}</desc>${ticks}<path class="series-total" d="${path(points.map((point) => point.total))}"></path><path class="series-high" d="${path(points.map((point) => point.bySeverity.high))}"></path>${markers}${valueLabel}${xLabels}</svg><p class="legend"><span class="key key-total"></span> all open <span class="key key-high"></span> high severity · now ${lastPoint.total} open, ${lastPoint.bySeverity.high} high · ${points.length} sweep point(s) since ${formatTime(firstPoint.at)}</p>`;
}

function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** "2026-11-24 10:00 UTC": unambiguous for an estate spread over time zones. */
export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
