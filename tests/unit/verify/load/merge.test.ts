import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  LatencyRecorder,
  mergeReports,
  parseThreshold,
  readShardReport,
  type LoadReport,
} from '../../../../src/verify/load';
import { sampleReport } from '../../../support/load-report';

/** A shard report whose latencies are exactly these samples. */
function shard(index: number, count: number, firstEvent: number[], over: Partial<LoadReport> = {}): LoadReport {
  const first = new LatencyRecorder();
  for (const ms of firstEvent) first.record(ms);
  const completion = new LatencyRecorder();
  for (const ms of firstEvent) completion.record(ms * 10);
  return sampleReport({
    users: 3,
    first_event_ms: first.summary(),
    completion_ms: completion.summary(),
    histograms: { first_event_ms: first.histogramBuckets(), completion_ms: completion.histogramBuckets() },
    latency_hdr: { first_event_ms: first.snapshot(), completion_ms: completion.snapshot() },
    shard: { count, indexes: [index], users_total: 3 * count },
    thresholds: [{ threshold: 'first_event_ms.p99 < 100', ok: true, actual: 1 }],
    ...over,
  });
}

test('merged counts are the sums; merged latencies are those of one histogram of every sample', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.double({ min: 0.01, max: 5_000, noNaN: true }), { minLength: 1, maxLength: 50 }), {
        minLength: 1,
        maxLength: 5,
      }),
      (perShard) => {
        const count = perShard.length;
        const reports = perShard.map((samples, i) =>
          shard(i + 1, count, samples, {
            runs: { started: samples.length, completed: samples.length - 1, failed: 1, cancelled: i, unfinished: 0 },
            errors: { CLIENT_TIMEOUT: 1, [`X${i}`]: 2 },
          }),
        );
        const merged = mergeReports(reports.map((report, i) => ({ file: `s${i}.json`, report })));
        const all = new LatencyRecorder();
        for (const ms of perShard.flat()) all.record(ms);
        const { mean, ...exact } = all.summary();
        expect(merged.first_event_ms).toMatchObject(exact);
        expect(merged.first_event_ms.mean).toBeCloseTo(mean as number, 2);
        expect(merged.histograms.first_event_ms).toEqual(all.histogramBuckets());
        expect(merged.users).toBe(3 * count);
        expect(merged.runs.started).toBe(perShard.flat().length);
        expect(merged.runs.failed).toBe(count);
        expect(merged.events.expected).toBe(100 * count);
        expect(merged.errors.CLIENT_TIMEOUT).toBe(count);
        expect(merged.frames.received).toBe(110 * count);
        expect(merged.environment.processes).toBe(count);
        expect(merged.shard).toEqual({ count, indexes: perShard.map((_, i) => i + 1), users_total: 3 * count });
        expect(merged.series.events_per_s).toEqual([40 * count, 60 * count]);
        // A merged report merges again (the latency_hdr it carries is the merged one).
        const again = mergeReports([{ file: 'm.json', report: { ...merged, shard: { ...merged.shard } } }]);
        expect(again.first_event_ms).toEqual(merged.first_event_ms);
      },
    ),
    { numRuns: 40 },
  );
});

test('the thresholds are judged again on the merged figures', () => {
  const a = shard(1, 2, [1, 2, 3]);
  const b = shard(2, 2, [500, 600, 700]);
  const merged = mergeReports([
    { file: 'a.json', report: a },
    { file: 'b.json', report: b },
  ]);
  expect(merged.thresholds).toEqual([{ threshold: 'first_event_ms.p99 < 100', ok: false, actual: 700 }]);
  const custom = mergeReports(
    [
      { file: 'a.json', report: a },
      { file: 'b.json', report: b },
    ],
    { thresholds: [parseThreshold('runs.started == 20')] },
  );
  expect(custom.thresholds.map((t) => [t.threshold, t.ok])).toEqual([['runs.started == 20', true]]);
});

test('shards of different runs, a shard twice, or a missing shard are refused with MERGE_INVALID', () => {
  const a = shard(1, 2, [1]);
  const b = shard(2, 2, [2]);
  const other = shard(2, 2, [2], { settings: { ...b.settings, seed: 99 } });
  const merge = (...reports: LoadReport[]) =>
    mergeReports(reports.map((report, i) => ({ file: `r${i}.json`, report })));
  expect(() => merge(a, other)).toThrow(
    expect.objectContaining({ code: 'MERGE_INVALID', message: expect.stringContaining('another run') }),
  );
  expect(() => merge(a, a)).toThrow(
    expect.objectContaining({ code: 'MERGE_INVALID', message: expect.stringContaining('shard 1/2 is in both') }),
  );
  expect(() => merge(a)).toThrow(
    expect.objectContaining({ code: 'MERGE_INVALID', message: expect.stringContaining('2/2 are missing') }),
  );
  expect(mergeReports([{ file: 'a.json', report: a }], { allowPartial: true }).shard.indexes).toEqual([1]);
  expect(() => mergeReports([])).toThrow(expect.objectContaining({ code: 'MERGE_INVALID' }));
});

test('readShardReport names the file of anything that is not a mergeable load report', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netra-merge-'));
  try {
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    expect(() => readShardReport(path.join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'MERGE_INVALID', message: expect.stringContaining('missing.json') }),
    );
    expect(() => readShardReport(write('bad.json', '{'))).toThrow(expect.objectContaining({ code: 'MERGE_INVALID' }));
    expect(() => readShardReport(write('other.json', '{"ok":true}'))).toThrow(
      expect.objectContaining({ message: expect.stringContaining('not a load report') }),
    );
    const { latency_hdr: _hdr, ...old } = shard(1, 1, [1]);
    expect(() => readShardReport(write('old.json', JSON.stringify(old)))).toThrow(
      expect.objectContaining({ message: expect.stringContaining('older version') }),
    );
    const good = shard(1, 1, [1, 2]);
    expect(readShardReport(write('good.json', JSON.stringify(good))).report.runs).toEqual(good.runs);
    const broken = {
      ...good,
      latency_hdr: { ...good.latency_hdr, first_event_ms: { sum_ms: 1, max_ms: 1, hdr: '!!' } },
    };
    expect(() => mergeReports([readShardReport(write('broken.json', JSON.stringify(broken)))])).toThrow(
      expect.objectContaining({ code: 'MERGE_INVALID', message: expect.stringContaining('broken.json') }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
