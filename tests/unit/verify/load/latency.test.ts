import fc from 'fast-check';
import { LatencyRecorder } from '../../../../src/verify/load';

const sample = fc.double({ min: 0.001, max: 200_000, noNaN: true });

test('recorders of any split of the samples merge into exactly the recorder of all samples', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(sample, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 300 }),
      (samples) => {
        const all = new LatencyRecorder();
        const parts = [0, 1, 2, 3].map(() => new LatencyRecorder());
        for (const [ms, part] of samples) {
          all.record(ms);
          parts[part].record(ms);
        }
        const merged = new LatencyRecorder();
        for (const part of parts) {
          const decoded = LatencyRecorder.fromSnapshot(
            JSON.parse(JSON.stringify(part.snapshot())),
            part.histogramBuckets(),
          );
          expect(decoded).not.toBeNull();
          merged.add(decoded as LatencyRecorder);
        }
        const { mean: mergedMean, ...mergedRest } = merged.summary();
        const { mean, ...rest } = all.summary();
        expect(mergedRest).toEqual(rest);
        expect(mergedMean).toBeCloseTo(mean as number, 2);
        expect(merged.histogramBuckets()).toEqual(all.histogramBuckets());
        for (const p of [50, 90, 99, 99.9]) expect(merged.percentile(p)).toBe(all.percentile(p));
      },
    ),
    { numRuns: 60 },
  );
});

test('percentiles never exceed the exact maximum; buckets hold every sample once', () => {
  fc.assert(
    fc.property(fc.array(sample, { minLength: 1, maxLength: 200 }), (samples) => {
      const recorder = new LatencyRecorder();
      for (const ms of samples) recorder.record(ms);
      const summary = recorder.summary();
      expect(summary.count).toBe(samples.length);
      for (const p of [summary.p50, summary.p95, summary.p99])
        expect(p as number).toBeLessThanOrEqual(summary.max as number);
      expect(recorder.histogramBuckets().reduce((n, b) => n + b.count, 0)).toBe(samples.length);
      for (const b of recorder.histogramBuckets()) expect(b.le).toBeGreaterThan(0);
    }),
  );
});

test('reset empties a recorder for the next window; a snapshot that is not HdrHistogram data is refused', () => {
  const recorder = new LatencyRecorder();
  recorder.record(5);
  recorder.reset();
  expect(recorder.summary()).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null, mean: null });
  expect(LatencyRecorder.fromSnapshot({ sum_ms: 1, max_ms: 1, hdr: 'not base64 hdr' }, [])).toBeNull();
  expect(LatencyRecorder.fromSnapshot(new LatencyRecorder().snapshot(), [{ le: 3.3333, count: 1 }])).toBeNull();
});
