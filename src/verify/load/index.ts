/**
 * Load: `netra-contracts load`. Virtual users with their own tokens from the target's token source, a weighted
 * request mix, random network drops with resume (to the next URL of a multi-node target), connections spread over
 * 127.0.0.x source addresses, every frame checked live by the one rules checker, exactly-once delivery accounting,
 * HdrHistogram latencies, k6-style thresholds per profile, JSON and self-contained HTML reports; shards and worker
 * processes whose reports merge exactly. Loopback unless the target declares `remote: true`; bounded in users and
 * time (and by the target's limits); stops by itself.
 */
export { runLoad } from './runner';
export type { LoadResult } from './runner';
export { LOAD_LIMITS } from './options';
export type { LoadOptions, LoadProgress, LoadSettings } from './options';
export { runLoadWorkers } from './workers';
export type { WorkerOptions } from './workers';
export { mergeReports, readShardReport } from './merge';
export type { LoadReport, LoadSeries, ThresholdOutcome } from './report';
export { LoadError } from './errors';
export type { LoadErrorCode } from './errors';
export { loadMix, mixPath, buildStartAgent, templatePicker, userWorkload, DEFAULT_MIX, DEFAULT_MIXES_DIR } from './mix';
export type { Mix, RequestTemplate, Workload } from './mix';
export { loadThresholds, parseThreshold, evaluateThresholds, metricValue, DEFAULT_THRESHOLDS_FILE } from './thresholds';
export type { Threshold, ThresholdOperator, ThresholdSet } from './thresholds';
export { assertLoopbackUrl, defaultAuthUrl, sourceAddressPool } from './target';
export { resolveLoadTarget, loadShorthandTarget, assertTargetAllowed, applyTargetLimits } from './load-target';
export { parseShard, shardUsers } from './shard';
export type { Shard } from './shard';
export { probeTarget } from './probe';
export { assertConnectionsFit, openFilesLimit } from './fd-limit';
export { LatencyRecorder, percentile } from './latency';
export type { LatencyBucket, LatencySnapshot, LatencySummary } from './latency';
export { TimerWheel, WheelTimer } from './timer-wheel';
export { SeqSet } from './seq-set';
export { renderHtmlReport } from './report-html';
export { writeLoadReport, checkReportFiles } from './write-report';
export { formatSummary } from './summary';
export { createProgressDisplay } from './progress';
export type { ProgressDisplay } from './progress';
export { createRandom, Random } from './random';
