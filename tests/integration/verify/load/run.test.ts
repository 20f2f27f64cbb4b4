import { renderHtmlReport, type LoadReport } from '../../../../src/verify/load';
import { loadEmbedded, quickMix } from './helpers';

// One short embedded run (auth service + provider on 127.0.0.1, free ports), shared by the assertions below.
let report: LoadReport;
let broken: { threshold: string }[];

beforeAll(async () => {
  ({ report, broken } = await loadEmbedded(
    {
      users: 5,
      durationS: 4,
      rampS: 0.5,
      drainS: 20,
      profile: 'ci',
      mix: quickMix(),
    },
    { thinkMs: 10, toolMs: 10, jitter: 0 },
  ));
}, 60_000);

test('the report has the contract keys first, in order', () => {
  expect(Object.keys(report).slice(0, 8)).toEqual([
    'users',
    'duration_s',
    'runs',
    'events',
    'first_event_ms',
    'completion_ms',
    'violations',
    'errors',
  ]);
  expect(report.users).toBe(5);
  expect(report.duration_s).toBe(4);
  expect(Object.keys(report.runs)).toEqual(expect.arrayContaining(['started', 'completed', 'failed']));
  expect(Object.keys(report.events)).toEqual(expect.arrayContaining(['expected', 'delivered', 'duplicates']));
  for (const latency of [report.first_event_ms, report.completion_ms]) {
    expect(Object.keys(latency)).toEqual(expect.arrayContaining(['p50', 'p95', 'p99', 'max']));
  }
});

test('every run started ends, every event arrives once, and the rules checker saw no violation', () => {
  expect(report.runs.started).toBeGreaterThan(10);
  expect(report.runs.completed + report.runs.failed).toBe(report.runs.started);
  expect(report.runs.failed).toBe(0);
  expect(report.runs.cancelled).toBeGreaterThan(0); // the mix cancels some runs after 2 events
  expect(report.events.expected).toBeGreaterThan(report.runs.completed); // several events per run
  expect(report.events.delivered).toBe(report.events.expected);
  expect(report.events.duplicates).toBe(0);
  expect(report.delivery_ratio).toBe(1);
  expect(report.violations).toEqual({});
  expect(broken).toEqual([]);
});

test('latencies are plausible: one per run, first event before completion', () => {
  expect(report.first_event_ms.count).toBe(report.runs.started);
  expect(report.completion_ms.count).toBe(report.runs.completed);
  const first = report.first_event_ms;
  const completion = report.completion_ms;
  expect(first.p50).not.toBeNull();
  expect(first.p50 as number).toBeLessThanOrEqual(first.p99 as number);
  expect(first.p99 as number).toBeLessThanOrEqual(first.max as number);
  expect(completion.p50 as number).toBeGreaterThan(first.p50 as number);
  // 5 users on one shared machine: generous, but a broken clock (seconds vs ms) fails it.
  expect(first.p99 as number).toBeLessThan(2_000);
});

test('the mix drops connections mid-run and the tabs resume; connections come from several 127.0.0.x addresses', () => {
  expect(report.connections.drops).toBeGreaterThan(0);
  expect(report.connections.opened).toBeGreaterThan(report.users);
  expect(report.connections.source_addresses).toBeGreaterThan(1);
  expect(report.series.t_s.length).toBeGreaterThanOrEqual(4);
  expect(report.series.events_per_s.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});

test('the HTML report is one self-contained page with the charts inline', () => {
  const html = renderHtmlReport(report);
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
  expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(5);
  expect(html).toContain('First-event latency over time');
  expect(html).toContain('<path d="M');
});
