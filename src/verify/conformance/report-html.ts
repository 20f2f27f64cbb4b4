import path from 'path';
import { redactValue } from '../../util/redact';
import type { ConformanceReport, ScenarioVerdict } from './types';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.4rem;margin:0 0 .3rem}p.meta{color:#5a6275;margin:0 0 1rem}
.summary span{display:inline-block;margin-right:1rem;padding:.2rem .6rem;border-radius:4px}
.pass{background:#e3f6e8;color:#17642e}.fail{background:#fde4e4;color:#9c1c1c}.skip{background:#eef0f4;color:#4b5366}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e3e6ec;vertical-align:top}
th{background:#f6f7f9;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
details summary{cursor:pointer}details[open] summary{margin-bottom:.4rem}
.v{margin:.3rem 0 .6rem;padding:.4rem .6rem;background:#fafbfc;border-left:3px solid #d33}
pre{white-space:pre-wrap;word-break:break-all;font:12px/1.35 ui-monospace,monospace;margin:.3rem 0;background:#f3f4f6;padding:.4rem}
code{font:12px ui-monospace,monospace}
`;

function sessionLink(session: string | null, reportFile: string | undefined): string {
  if (session === null) return '<em>no session</em>';
  const href =
    reportFile !== undefined ? path.relative(path.dirname(path.resolve(reportFile)), path.resolve(session)) : session;
  return `<a href="${escape(href.split(path.sep).join('/'))}"><code>${escape(session)}</code></a>`;
}

function details(v: ScenarioVerdict, reportFile: string | undefined): string {
  const parts = [`<p>${escape(v.description)}</p>`, `<p>session: ${sessionLink(v.session, reportFile)}</p>`];
  if (v.reason !== null) parts.push(`<p>${v.skipped ? 'skipped' : 'scenario'}: ${escape(v.reason)}</p>`);
  for (const violation of v.violations) {
    const at = violation.line !== undefined ? `, session line ${violation.line}` : '';
    const frame =
      violation.frame === undefined
        ? ''
        : `<pre>${escape(JSON.stringify(redactValue(violation.frame), null, 2))}</pre>`;
    parts.push(
      `<div class="v"><strong>${escape(violation.rule)}</strong> <code>${escape(violation.conn)}${escape(at)}</code><br>${escape(violation.message)}${frame}</div>`,
    );
  }
  return parts.join('\n');
}

function row(v: ScenarioVerdict, reportFile: string | undefined): string {
  const cls = v.skipped ? 'skip' : v.ok ? 'pass' : 'fail';
  const result = v.skipped ? 'skipped' : v.ok ? 'pass' : 'FAIL';
  const open = !v.ok && !v.skipped ? ' open' : '';
  return `<tr><td><details${open}><summary><strong>${escape(v.name)}</strong></summary>${details(v, reportFile)}</details></td>
<td>${escape(v.tier)}</td><td><span class="${cls}">${result}</span></td><td class="num">${v.violations.length}</td><td class="num">${v.seconds.toFixed(1)}</td></tr>`;
}

/**
 * The HTML report: one self-contained page (no external resource), a row per scenario that expands to its
 * description, its violations with the offending frames, and a link to its session file. Failed rows start open.
 *
 * @example
 * writeFileSync('reports/conformance.html', renderConformanceHtml(report, 'reports/conformance.html'));
 */
export function renderConformanceHtml(report: ConformanceReport, reportFile?: string): string {
  const { passed, failed, skipped } = report.summary;
  const rows = report.scenarios.map((v) => row(v, reportFile)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Conformance of ${escape(report.target)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>Conformance of ${escape(report.target)}</h1>
<p class="meta">${escape(report.spec)} · timing profile ${escape(report.profile)} · tiers ${escape(report.tiers.join(', '))} · ${report.ok ? 'every scenario passed' : 'some scenarios failed'}</p>
<p class="summary"><span class="pass">${passed} passed</span><span class="fail">${failed} failed</span><span class="skip">${skipped} skipped</span></p>
<table><thead><tr><th>scenario</th><th>tier</th><th>result</th><th>violations</th><th>seconds</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}
