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

/** What a report keeps of a recorder so that reports of shards can be merged exactly (`load merge`). */
export interface LatencySnapshot {
  /** Sum of every sample, ms (the exact mean of a merge). */
  sum_ms: number;
  /** The largest sample, ms, exactly (the histogram keeps it to 3 significant digits). */
  max_ms: number | null;
  /** The HdrHistogram of microseconds, compressed and base64-encoded (HdrHistogram's own encoding). */
  hdr: string;
}

// Bucket bounds for the HTML histograms: ten log-spaced buckets per decade from 0.1 ms to 1,000 s.
const BUCKET_BOUNDS: number[] = Array.from({ length: 71 }, (_, k) => Number((0.1 * 10 ** (k / 10)).toPrecision(3)));
const LAST_BUCKET = BUCKET_BOUNDS.length - 1;
const MICROS_PER_MS = 1_000;
const HIGHEST_MICROS = 3_600_000_000;

function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MICROS,
    numberOfSignificantValueDigits: 3,
  });
}

/**
 * A latency recorder: an HdrHistogram of microseconds (3 significant digits, up to one hour) for exact-enough
 * percentiles at any count, plus log-spaced buckets for the HTML histogram. Recording allocates nothing. Recorders
 * of several processes merge exactly: the histogram's counts add up (HdrHistogram `add`).
 *
 * @example
 * const latency = new LatencyRecorder();
 * latency.record(12.5);
 * latency.summary().p99; // 12.5
 */
export class LatencyRecorder {
  private readonly histogram = newHistogram();
  private readonly buckets = new Array<number>(BUCKET_BOUNDS.length).fill(0);
  private sum = 0;
  private max = -Infinity;

  record(ms: number): void {
    const micros = Math.min(HIGHEST_MICROS, Math.max(1, Math.round(ms * MICROS_PER_MS)));
    this.histogram.recordValue(micros);
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    this.buckets[bucketIndex(ms)]++;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The value at a percentile, ms (null when empty). */
  percentile(p: number): number | null {
    if (this.histogram.totalCount === 0) return null;
    // The histogram answers with the top of a bucket (3 significant digits): never above the exact maximum.
    return round3(Math.min(this.histogram.getValueAtPercentile(p) / MICROS_PER_MS, this.max));
  }

  summary(): LatencySummary {
    const count = this.histogram.totalCount;
    if (count === 0) return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
    return {
      count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: round3(this.max),
      mean: round3(this.sum / count),
    };
  }

  /** The non-empty span of the log-spaced buckets. */
  histogramBuckets(): LatencyBucket[] {
    const first = this.buckets.findIndex((n) => n > 0);
    if (first === -1) return [];
    let last = LAST_BUCKET;
    while (this.buckets[last] === 0) last--;
    const out: LatencyBucket[] = [];
    for (let i = first; i <= last; i++) out.push({ le: BUCKET_BOUNDS[i], count: this.buckets[i] });
    return out;
  }

  /** Forgets every sample, keeping the storage (the per-second windows of the time series). */
  reset(): void {
    this.histogram.reset();
    this.buckets.fill(0);
    this.sum = 0;
    this.max = -Infinity;
  }

  /** What a report keeps for a later exact merge. */
  snapshot(): LatencySnapshot {
    return {
      sum_ms: this.sum,
      max_ms: this.count === 0 ? null : this.max,
      hdr: hdr.encodeIntoCompressedBase64(this.histogram),
    };
  }

  /** Adds another recorder's samples (a shard's, decoded from its report). */
  add(other: LatencyRecorder): void {
    this.histogram.add(other.histogram);
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    for (let i = 0; i <= LAST_BUCKET; i++) this.buckets[i] += other.buckets[i];
  }

  /**
   * A recorder rebuilt from a report's snapshot and histogram buckets. Returns null when the snapshot cannot be
   * decoded (the caller names the file).
   *
   * @example
   * const merged = new LatencyRecorder();
   * for (const r of reports) merged.add(LatencyRecorder.fromSnapshot(r.latency_hdr.first_event_ms, r.histograms.first_event_ms)!);
   */
  static fromSnapshot(snapshot: LatencySnapshot, buckets: readonly LatencyBucket[]): LatencyRecorder | null {
    const recorder = new LatencyRecorder();
    try {
      const decoded = hdr.decodeFromCompressedBase64(snapshot.hdr, 32, false);
      recorder.histogram.add(decoded);
    } catch {
      return null;
    }
    recorder.sum = snapshot.sum_ms;
    recorder.max = snapshot.max_ms ?? -Infinity;
    for (const bucket of buckets) {
      const index = BUCKET_BOUNDS.indexOf(bucket.le);
      if (index === -1) return null;
      recorder.buckets[index] += bucket.count;
    }
    return recorder;
  }
}

/** The first bucket whose bound is >= ms, computed instead of searched (no closure, no allocation). */
function bucketIndex(ms: number): number {
  if (!(ms > BUCKET_BOUNDS[0])) return 0;
  let k = Math.min(LAST_BUCKET, Math.max(0, Math.ceil(10 * Math.log10(ms / 0.1))));
  while (k > 0 && ms <= BUCKET_BOUNDS[k - 1]) k--;
  while (k < LAST_BUCKET && ms > BUCKET_BOUNDS[k]) k++;
  return k;
}

/**
 * Exact percentile of a small sample.
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
