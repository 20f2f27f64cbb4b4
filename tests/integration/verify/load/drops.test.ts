import type { LoadReport } from '../../../../src/verify/load';
import { loadEmbedded, quickMix } from './helpers';

// Random network drops every ~0.3 s per user while runs are under way: every tab reconnects and resumes from the
// last seq it holds. Counting must stay exactly-once: nothing missing, nothing delivered twice.
let report: LoadReport;

beforeAll(async () => {
  ({ report } = await loadEmbedded(
    {
      users: 4,
      durationS: 4,
      rampS: 0,
      drainS: 20,
      profile: 'ci',
      dropEveryS: 0.3,
      // Longer runs (tool and think latency) so that drops land mid-run.
      mix: quickMix({ requests: quickMix().requests.filter((r) => r.cancelAfterEvents === undefined) }),
    },
    { thinkMs: 25, toolMs: 25, jitter: 0 },
  ));
}, 60_000);

test('drops happen, and every run still completes', () => {
  expect(report.connections.drops).toBeGreaterThanOrEqual(8);
  expect(report.runs.started).toBeGreaterThan(0);
  expect(report.runs.failed).toBe(0);
  expect(report.runs.completed).toBe(report.runs.started);
});

test('every event of every run is delivered exactly once after resume', () => {
  expect(report.events.expected).toBeGreaterThan(0);
  expect(report.events.delivered).toBe(report.events.expected);
  expect(report.events.missing).toBe(0);
  expect(report.events.duplicates).toBe(0);
});

test('the live rules checker found no violation (seq, resume, isolation)', () => {
  expect(report.violations).toEqual({});
});
