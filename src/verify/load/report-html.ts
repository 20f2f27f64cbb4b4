import type { LatencyBucket, LatencySummary } from './latency';
import type { LoadReport } from './report';

const COLORS = {
  p50: '#2563eb',
  p99: '#dc2626',
  events: '#059669',
  conns: '#7c3aed',
  inflight: '#d97706',
  bar: '#3b82f6',
};
const WIDTH = 920;

interface Line {
  name: string;
  color: string;
  values: (number | null)[];
}

/**
 * Renders a load report as one self-contained HTML page: summary, thresholds, latency over time and events per second
 * as inline SVG line charts, latency histograms, violations and errors. No script, no stylesheet or font from
 * elsewhere, no external URL: it opens the same offline, attached to a CI run or mailed.
 *
 * @example
 * writeFileSync('reports/load.html', renderHtmlReport(report));
 */
export function renderHtmlReport(report: LoadReport): string {
  return page([...summarySections(report), ...chartSections(report), ...detailSections(report)]);
}

/** Title, verdict, headline cards and the thresholds table. */
function summarySections(report: LoadReport): string[] {
  const broken = report.thresholds.filter((t) => !t.ok);
  const verdict =
    broken.length === 0
      ? '<span class="ok">all thresholds passed</span>'
      : `<span class="bad">${broken.length} threshold(s) broken</span>`;
  const totalViolations = Object.values(report.violations).reduce((a, b) => a + b, 0);
  const target =
    report.target.urls !== undefined && report.target.urls.length > 1
      ? report.target.urls.join(', ')
      : report.target.url;
  return [
    `<h1>Load report: ${report.users} users, ${report.duration_s} s, profile ${esc(report.profile)}, mix ${esc(report.mix)}</h1>`,
    `<p class="sub">${esc(target)}${report.target.embedded ? ' (embedded provider)' : ''} &middot; ${verdict}</p>`,
    cards([
      ['runs started', fmt(report.runs.started)],
      ['completed', fmt(report.runs.completed)],
      ['failed', fmt(report.runs.failed), report.runs.failed > 0],
      [
        'events delivered / expected',
        `${fmt(report.events.delivered)} / ${fmt(report.events.expected)}`,
        report.events.delivered !== report.events.expected,
      ],
      ['duplicates', fmt(report.events.duplicates), report.events.duplicates > 0],
      ['first event p50 / p99', `${ms(report.first_event_ms.p50)} / ${ms(report.first_event_ms.p99)}`],
      ['completion p50 / p99', `${ms(report.completion_ms.p50)} / ${ms(report.completion_ms.p99)}`],
      ['violations', fmt(totalViolations), totalViolations > 0],
      ['connections peak', fmt(report.connections.peak)],
      ['drops / resumes', fmt(report.connections.drops)],
    ]),
    '<h2>Thresholds</h2>',
    table(
      ['threshold', 'actual', 'result'],
      report.thresholds.map((t) => [
        esc(t.threshold),
        t.actual === null ? 'no data' : fmt(t.actual),
        t.ok ? '<span class="ok">pass</span>' : '<span class="bad">FAIL</span>',
      ]),
    ),
  ];
}

/** Latency over time, throughput, memory and the latency histograms. */
function chartSections(report: LoadReport): string[] {
  const s = report.series;
  return [
    '<h2>First-event latency over time</h2>',
    lineChart(
      [
        { name: 'p50', color: COLORS.p50, values: s.first_event_p50_ms },
        { name: 'p99', color: COLORS.p99, values: s.first_event_p99_ms },
      ],
      'ms (runs started in that second)',
    ),
    '<h2>Completion latency over time</h2>',
    lineChart([{ name: 'p99', color: COLORS.p99, values: s.completion_p99_ms }], 'ms (runs ended in that second)'),
    '<h2>Throughput</h2>',
    lineChart([{ name: 'events/s', color: COLORS.events, values: s.events_per_s }], 'events per second'),
    lineChart(
      [
        { name: 'connections', color: COLORS.conns, values: s.connections },
        { name: 'runs in flight', color: COLORS.inflight, values: s.runs_in_flight },
      ],
      'count',
    ),
    '<h2>Load tool memory</h2>',
    lineChart([{ name: 'heap used', color: COLORS.conns, values: s.heap_used_mb ?? [] }], 'MiB (load tool heap)'),
    '<h2>Latency histograms</h2>',
    `<div class="row">${histogram('first event (start_agent to agent_started)', report.histograms.first_event_ms, report.first_event_ms)}${histogram(
      'completion (start_agent to terminal event)',
      report.histograms.completion_ms,
      report.completion_ms,
    )}</div>`,
  ];
}

/** Violations, errors, how to read the page, and the raw figures. */
function detailSections(report: LoadReport): string[] {
  return [
    '<h2>Violations by rule</h2>',
    Object.keys(report.violations).length === 0
      ? '<p class="ok">No rule violation in any frame.</p>'
      : table(
          ['rule', 'count'],
          Object.entries(report.violations).map(([rule, n]) => [esc(rule), fmt(n)]),
        ),
    report.violation_samples.length > 0
      ? `<details><summary>First ${report.violation_samples.length} violations</summary>${table(
          ['rule', 'conn', 'message'],
          report.violation_samples.map((v) => [esc(v.rule), esc(v.conn), esc(v.message)]),
        )}</details>`
      : '',
    '<h2>Errors</h2>',
    Object.keys(report.errors).length === 0
      ? '<p>None.</p>'
      : table(
          ['code', 'count'],
          Object.entries(report.errors).map(([code, n]) => [esc(code), fmt(n)]),
        ),
    '<h2>How to read this</h2>',
    [
      '<p>A <b>run</b> is started by a <code>start_agent</code>; it <b>completed</b> when its <code>agent_completed</code> arrived (cancelled runs included) and <b>failed</b> otherwise (agent_error, refused, timed out, unfinished). ',
      '<b>Expected</b> events: for every run whose terminal event arrived, its seq. ',
      '<b>Delivered</b>: distinct (run, seq) held by the tab that started the run, after reconnects and resumes. ',
      '<b>Duplicates</b>: an event a connection had already received, or at or below the last_seq it claimed in a resume. ',
      '<b>First event</b>: start_agent sent to agent_started received; <b>completion</b>: to the terminal event. ',
      'Violations come from the one rules checker, fed every frame of every connection live.</p>',
    ].join(''),
    '<h2>Run details</h2>',
    table(
      ['', ''],
      [
        ['runs', esc(JSON.stringify(report.runs))],
        ['events', esc(JSON.stringify(report.events))],
        ['connections', esc(JSON.stringify(report.connections))],
        ['settings', esc(JSON.stringify(report.settings))],
        ['environment', esc(JSON.stringify(report.environment))],
      ],
    ),
  ];
}

function page(sections: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>netra-contracts load report</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:${WIDTH + 40}px;color:#111827;padding:0 12px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.sub{color:#4b5563;margin:0 0 16px}.ok{color:#047857;font-weight:600}.bad{color:#b91c1c;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:8px}.card{border:1px solid #e5e7eb;border-radius:6px;padding:8px 10px}
.card .v{font-size:17px;font-weight:600}.card .k{color:#6b7280;font-size:12px}.card.warn{border-color:#fca5a5;background:#fef2f2}
table{border-collapse:collapse;width:100%;margin:6px 0}td,th{border-bottom:1px solid #f3f4f6;padding:4px 6px;text-align:left;vertical-align:top}
th{color:#6b7280;font-weight:500}td:first-child{white-space:nowrap}.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
svg text{font:11px system-ui,sans-serif;fill:#374151}.legend{font-size:12px;margin:2px 0 0}.legend span{margin-right:14px}
</style></head><body>
${sections.join('\n')}
</body></html>
`;
}

function cards(items: [string, string, boolean?][]): string {
  return `<div class="cards">${items
    .map(
      ([k, v, warn]) =>
        `<div class="card${warn ? ' warn' : ''}"><div class="v">${v}</div><div class="k">${esc(k)}</div></div>`,
    )
    .join('')}</div>`;
}

function table(head: string[], rows: string[][]): string {
  const th = head.some((h) => h !== '') ? `<tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>` : '';
  return `<table>${th}${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
}

/** An SVG line chart of per-second values; null values leave a gap. */
function lineChart(lines: Line[], yLabel: string): string {
  const height = 220;
  const pad = { l: 56, r: 12, t: 10, b: 28 };
  const n = Math.max(1, ...lines.map((l) => l.values.length));
  const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.values.filter((v): v is number => v !== null))));
  const w = WIDTH - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const x = (i: number): number => pad.l + (n === 1 ? w / 2 : (i / (n - 1)) * w);
  const y = (v: number): number => pad.t + h - (v / max) * h;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    parts.push(`<line x1="${pad.l}" x2="${WIDTH - pad.r}" y1="${r1(y(v))}" y2="${r1(y(v))}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${pad.l - 6}" y="${r1(y(v) + 4)}" text-anchor="end">${short(v)}</text>`);
  }
  const step = tickStep(n);
  for (let i = 0; i < n; i += step)
    parts.push(`<text x="${r1(x(i))}" y="${height - 10}" text-anchor="middle">${i + 1}s</text>`);
  parts.push(
    `<text x="12" y="${pad.t + h / 2}" transform="rotate(-90 12 ${pad.t + h / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  for (const line of lines) {
    let d = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${r1(x(i))} ${r1(y(v))}`;
      pen = true;
    });
    if (d !== '') parts.push(`<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.6"/>`);
  }
  const legend = lines.map((l) => `<span style="color:${l.color}">&#9632; ${esc(l.name)}</span>`).join('');
  return `<svg width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img">${parts.join('')}</svg><div class="legend">${legend}</div>`;
}

/** An SVG bar chart of log-spaced latency buckets, with the summary's percentiles. */
function histogram(title: string, buckets: LatencyBucket[], summary: LatencySummary): string {
  const width = WIDTH / 2 - 6;
  const height = 220;
  const pad = { l: 44, r: 8, t: 10, b: 40 };
  if (buckets.length === 0) return `<div><h3>${esc(title)}</h3><p>No samples.</p></div>`;
  const max = niceMax(Math.max(...buckets.map((b) => b.count)));
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const bw = w / buckets.length;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    const yy = pad.t + h - (v / max) * h;
    parts.push(`<line x1="${pad.l}" x2="${width - pad.r}" y1="${r1(yy)}" y2="${r1(yy)}" stroke="#f3f4f6"/>`);
    parts.push(`<text x="${pad.l - 4}" y="${r1(yy + 4)}" text-anchor="end">${short(v)}</text>`);
  }
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 8));
  buckets.forEach((b, i) => {
    const bh = (b.count / max) * h;
    parts.push(
      `<rect x="${r1(pad.l + i * bw + 1)}" y="${r1(pad.t + h - bh)}" width="${r1(Math.max(1, bw - 2))}" height="${r1(bh)}" fill="${COLORS.bar}"><title>&le; ${b.le} ms: ${b.count}</title></rect>`,
    );
    if (i % labelEvery === 0)
      parts.push(
        `<text x="${r1(pad.l + i * bw + bw / 2)}" y="${height - pad.b + 14}" text-anchor="middle">${short(b.le)}</text>`,
      );
  });
  parts.push(`<text x="${pad.l + w / 2}" y="${height - 6}" text-anchor="middle">ms (log buckets, upper bound)</text>`);
  const stats = `n=${fmt(summary.count)} &middot; p50 ${ms(summary.p50)} &middot; p95 ${ms(summary.p95)} &middot; p99 ${ms(summary.p99)} &middot; max ${ms(summary.max)}`;
  return `<div><h3 style="font-size:14px;margin:6px 0">${esc(title)}</h3><svg width="${r1(width)}" height="${height}" viewBox="0 0 ${r1(width)} ${height}" role="img">${parts.join('')}</svg><div class="legend">${stats}</div></div>`;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function tickStep(n: number): number {
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (n / step <= 12) return step;
  return Math.ceil(n / 12);
}

function short(v: number): string {
  if (v >= 1e6) return `${r1(v / 1e6)}M`;
  if (v >= 1e4) return `${r1(v / 1e3)}k`;
  return String(Math.round(v * 100) / 100);
}

function ms(v: number | null): string {
  return v === null ? '-' : `${Math.round(v * 10) / 10} ms`;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1000) / 1000);
}

function r1(v: number): number {
  return Math.round(v * 10) / 10;
}

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
