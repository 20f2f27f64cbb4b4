import * as hdr from 'hdr-histogram-js';

/** Percentiles of one latency, in milliseconds (null when nothing was recorded). */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** One bar of a latency histogram: samples in (previous le, le] milliseconds. */
export interface LatencyBucket {
  le: number;
  count: number;
}

// Bucket bounds for the HTML histograms: ten log-spaced buckets per decade from 0.1 ms to 1,000 s.
const BUCKET_BOUNDS: number[] = Array.from({ length: 71 }, (_, k) => Number((0.1 * 10 ** (k / 10)).toPrecision(3)));

const MICROS_PER_MS = 1_000;

/**
 * A latency recorder: an HdrHistogram of microseconds (3 significant digits, up to one hour) for exact-enough
 * percentiles at any count, plus log-spaced buckets for the HTML histogram.
 *
 * @example
 * const latency = new LatencyRecorder();
 * latency.record(12.5);
 * latency.summary().p99; // 12.5
 */
export class LatencyRecorder {
  private readonly histogram = hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  private readonly buckets = new Array<number>(BUCKET_BOUNDS.length).fill(0);
  private sum = 0;

  record(ms: number): void {
    const micros = Math.min(3_600_000_000, Math.max(1, Math.round(ms * MICROS_PER_MS)));
    this.histogram.recordValue(micros);
    this.sum += ms;
    let index = BUCKET_BOUNDS.findIndex((le) => ms <= le);
    if (index === -1) index = BUCKET_BOUNDS.length - 1;
    this.buckets[index]++;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const count = this.histogram.totalCount;
    if (count === 0) return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
    const at = (p: number): number => round3(this.histogram.getValueAtPercentile(p) / MICROS_PER_MS);
    return {
      count,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: round3(this.histogram.maxValue / MICROS_PER_MS),
      mean: round3(this.sum / count),
    };
  }

  /** The non-empty span of the log-spaced buckets. */
  histogramBuckets(): LatencyBucket[] {
    const first = this.buckets.findIndex((n) => n > 0);
    if (first === -1) return [];
    let last = this.buckets.length - 1;
    while (this.buckets[last] === 0) last--;
    const out: LatencyBucket[] = [];
    for (let i = first; i <= last; i++) out.push({ le: BUCKET_BOUNDS[i], count: this.buckets[i] });
    return out;
  }
}

/**
 * Exact percentile of a small sample (one second's window of the time series).
 *
 * @example
 * percentile([5, 1, 3], 50); // 3
 */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round3(sorted[rank]);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
