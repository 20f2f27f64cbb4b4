/**
 * Load: `netra-contracts load`. Virtual users with their own tokens from the auth service, a weighted request mix,
 * random network drops with resume, connections spread over 127.0.0.x source addresses, every frame checked live by
 * the one rules checker, exactly-once delivery accounting, HdrHistogram latencies, k6-style thresholds per profile,
 * JSON and self-contained HTML reports. Loopback only, bounded in users and time, stops by itself.
 */
export { runLoad, LOAD_LIMITS } from './runner';
export type { LoadOptions, LoadProgress, LoadResult } from './runner';
export type { LoadReport, LoadSeries, ThresholdOutcome } from './report';
export { LoadError } from './errors';
export type { LoadErrorCode } from './errors';
export { loadMix, mixPath, buildStartAgent, templatePicker, DEFAULT_MIX, DEFAULT_MIXES_DIR } from './mix';
export type { Mix, RequestTemplate } from './mix';
export { loadThresholds, parseThreshold, evaluateThresholds, metricValue, DEFAULT_THRESHOLDS_FILE } from './thresholds';
export type { Threshold, ThresholdOperator, ThresholdSet } from './thresholds';
export { assertLoopbackUrl, defaultAuthUrl, sourceAddressPool } from './target';
export { probeTarget } from './probe';
export { assertConnectionsFit, openFilesLimit } from './fd-limit';
export { LatencyRecorder, percentile } from './latency';
export type { LatencyBucket, LatencySummary } from './latency';
export { renderHtmlReport } from './report-html';
export { writeLoadReport, checkReportFiles } from './write-report';
export { formatSummary } from './summary';
export { createProgressDisplay } from './progress';
export type { ProgressDisplay } from './progress';
export { createRandom } from './random';
export type { Random } from './random';
