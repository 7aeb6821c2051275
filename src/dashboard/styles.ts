/**
 * The dashboard's stylesheet, served as /api/dashboard/app.css (the CSP allows no inline style).
 * System fonts only (no external fonts: it must work in a closed network). Colours meet WCAG AA
 * contrast on their backgrounds; focus is always visible; the layout fits 1366×768.
 */
export const DASHBOARD_CSS = `
:root {
  --fg: #1b1b1f; --muted: #4a4f57; --bg: #ffffff; --panel: #f5f6f8; --line: #d5d8de;
  --accent: #0b57a4; --focus: #1a5fb4;
  --high: #a4001d; --medium: #8a4600; --low: #1d4f91; --info: #4a4f57;
  --ok: #176b2c;
}
* { box-sizing: border-box; }
html { font-size: 14px; }
body { margin: 0; color: var(--fg); background: var(--bg); font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; line-height: 1.4; }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.05rem; margin: 0 0 .4rem; }
h3 { font-size: .95rem; margin: .9rem 0 .3rem; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .9em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .4rem .6rem; z-index: 10; }
.skip:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.muted { color: var(--muted); }
.small { font-size: .86rem; }
.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem 1.2rem; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--panel); }
.top p { margin: 0; }
.status { margin-left: auto !important; font-weight: 600; }
.status.error, .error { color: var(--high); }
main { padding: .6rem 1.2rem 2rem; }
.headline { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.2rem; align-items: start; }
.cards { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; margin: 0; }
.card { border: 1px solid var(--line); border-radius: 6px; background: var(--panel); min-width: 5.6rem; }
.card > .card-count, .card > .card-label { padding: 0 .7rem; }
.card-total { padding: .45rem 0; }
.card-button { display: flex; flex-direction: column; align-items: flex-start; width: 100%; border: 0; background: none; padding: .45rem .7rem; font: inherit; color: inherit; cursor: pointer; border-radius: 6px; }
.card-button:hover { background: #e8ebf0; }
.card-count { display: block; font-size: 1.5rem; font-weight: 700; line-height: 1.15; }
.card-label { display: block; text-transform: capitalize; color: var(--muted); }
.sev-high { border-left: 6px solid var(--high); } .sev-high .card-count { color: var(--high); }
.sev-medium { border-left: 6px solid var(--medium); } .sev-medium .card-count { color: var(--medium); }
.sev-low { border-left: 6px solid var(--low); } .sev-low .card-count { color: var(--low); }
.sev-info { border-left: 6px solid var(--info); }
figure { margin: 0; }
figcaption h2 { margin-bottom: .2rem; }
svg.trend { width: 100%; max-width: 34rem; height: auto; display: block; }
svg.trend .tick line { stroke: var(--line); stroke-width: 1; }
svg.trend text { font-size: 12px; fill: var(--muted); font-family: inherit; }
svg.trend path { fill: none; stroke-width: 2.2; }
svg.trend .series-total { stroke: var(--accent); }
svg.trend .series-high { stroke: var(--high); stroke-dasharray: 5 3; }
svg.trend .point { fill: var(--accent); }
svg.trend .value-label { font-size: 12px; font-weight: 700; fill: var(--fg); }
.legend { margin: .2rem 0 0; font-size: .8rem; color: var(--muted); }
.key { display: inline-block; width: 1.2rem; height: 3px; vertical-align: middle; margin: 0 .2rem 0 .6rem; }
.key-total { background: var(--accent); } .key-high { background: var(--high); }
.empty { color: var(--muted); font-style: italic; }
.findings { margin-top: .8rem; }
.filters { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: flex-end; margin-bottom: .3rem; }
.filters label { display: flex; flex-direction: column; font-size: .82rem; color: var(--muted); font-weight: 600; }
.filters select, .filters input { font: inherit; color: var(--fg); padding: .25rem .35rem; border: 1px solid #8a9099; border-radius: 4px; background: var(--bg); max-width: 15rem; }
.filters .search input { width: 15rem; }
.filter-actions { display: flex; gap: .4rem; }
button { font: inherit; }
.copyable { position: relative; }
.copy-button { position: absolute; top: .3rem; right: .3rem; }
.plan-mode { font-weight: 700; }
.plan-auto { color: #0b6b2b; }
.plan-manual { color: #8a4b00; }
.remediation-history li { margin: .2rem 0; overflow-wrap: anywhere; }
.plan-writes li { overflow-wrap: anywhere; }
.filters button, .pager button, #detail-close, .link-button { padding: .28rem .7rem; border: 1px solid #8a9099; border-radius: 4px; background: var(--bg); color: var(--fg); cursor: pointer; }
.filters button:hover, .pager button:hover { background: var(--panel); }
button:disabled { color: #767676; cursor: default; }
#result-count { margin: .2rem 0; }
.table-wrap { overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
.table-wrap.short { max-height: 20rem; }
.table-wrap.whole { max-height: none; }
.filter-note { margin: .2rem 0 .4rem; padding: .3rem .6rem; border-left: 4px solid var(--medium); background: var(--panel); }
table.grid { border-collapse: collapse; width: 100%; }
.grid th, .grid td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.grid thead th { position: sticky; top: 0; background: var(--panel); z-index: 1; white-space: nowrap; }
.grid th button { border: 0; background: none; font: inherit; font-weight: 700; color: var(--fg); padding: 0; cursor: pointer; }
.grid th[aria-sort="ascending"] button::after { content: " ▲"; }
.grid th[aria-sort="descending"] button::after { content: " ▼"; }
.grid .num { text-align: right; font-variant-numeric: tabular-nums; }
.grid.compact th, .grid.compact td { padding: .2rem .45rem; font-size: .9rem; }
#findings-body tr { cursor: pointer; }
/* Fixed layout: the table is exactly as wide as the page (1024 px screens included); long text is
   cut with an ellipsis, its whole value in a tooltip and in the detail view. */
#findings-table { table-layout: fixed; }
#findings-table th:nth-child(1) { width: 5.6rem; }
#findings-table th:nth-child(2) { width: 24%; }
#findings-table th:nth-child(4) { width: 8.5rem; }
#findings-table th:nth-child(5) { width: 6.4rem; }
#findings-table th:nth-child(6) { width: 7.6rem; }
#findings-body td { overflow: hidden; }
#findings-body td:nth-child(2) .mono { overflow-wrap: anywhere; }
#findings-body td:nth-child(4) { overflow-wrap: anywhere; }
#findings-body td:nth-child(2) .res-sub { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; overflow-wrap: normal; }
#findings-body tr:hover { background: #eef3fa; }
#findings-body tr:focus-visible { outline: 3px solid var(--focus); outline-offset: -3px; background: #eef3fa; }
.res-name { font-weight: 600; overflow-wrap: anywhere; }
.res-sub { display: block; color: var(--muted); font-size: .82rem; overflow-wrap: anywhere; }
.msg { display: block; color: var(--muted); font-size: .82rem; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: 3px; font-size: .8rem; font-weight: 700; color: #fff; text-transform: capitalize; white-space: nowrap; }
.badge-high { background: var(--high); } .badge-medium { background: var(--medium); } .badge-low { background: var(--low); } .badge-info { background: var(--info); }
.state { font-size: .85rem; font-weight: 600; text-transform: capitalize; }
.state-open { color: var(--high); } .state-resolved { color: var(--ok); } .state-suppressed { color: var(--muted); }
.pager { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .4rem; }
.pager label { margin-left: auto; color: var(--muted); }
.pager select { font: inherit; }
.breakdowns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.2rem; margin-top: 1.2rem; }
.breakdowns .wide { grid-column: 1 / -1; }
#rules-body .res-sub { display: inline; margin-left: .5rem; }
#subscriptions-body .link-button { font-family: ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .85rem; white-space: nowrap; }
.grid.compact td:last-child { white-space: nowrap; }
.hot { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem .9rem; padding: 0; margin: .5rem 0 0; }
.hot li { color: var(--muted); }
.hot .res-sub { display: inline; margin-left: .3rem; }
.hot .count { font-weight: 700; color: var(--fg); margin-left: .25rem; }
.link-button { border: 0; padding: 0; background: none; color: var(--accent); text-decoration: underline; text-align: left; overflow-wrap: anywhere; }
meter { width: 5rem; vertical-align: middle; }
dialog#detail { width: min(62rem, 94vw); max-height: 92vh; padding: 0; border: 1px solid var(--line); border-radius: 6px; color: var(--fg); }
dialog#detail::backdrop { background: rgba(20, 24, 32, .45); }
.detail-head { position: sticky; top: 0; display: flex; justify-content: space-between; gap: 1rem; align-items: flex-start; padding: .8rem 1.1rem; background: var(--panel); border-bottom: 1px solid var(--line); }
.detail-head h2 { margin: 0; font-size: 1.15rem; }
#detail-body { padding: .3rem 1.1rem 1.1rem; }
#detail-body dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .4rem 0; }
#detail-body dt { font-weight: 600; color: var(--muted); }
#detail-body dd { margin: 0; overflow-wrap: anywhere; }
#detail-body pre { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: .5rem .7rem; overflow: auto; max-height: 16rem; white-space: pre; }
blockquote { margin: .3rem 0; padding: .3rem .8rem; border-left: 4px solid var(--accent); background: var(--panel); }
.error-box { border: 1px solid var(--high); color: var(--high); padding: .5rem .8rem; border-radius: 4px; }
@media (max-width: 1100px) { .headline, .breakdowns { grid-template-columns: minmax(0, 1fr); } }
`;
