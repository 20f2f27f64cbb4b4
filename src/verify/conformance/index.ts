/**
 * `netra-contracts conformance`: the scenario catalogue, by tier, against any target; each scenario recorded live,
 * verified against the schemas and every rule, reported as a table, JSON, JUnit and one HTML page.
 */
export { ConformanceError } from './errors';
export type { ConformanceErrorCode } from './errors';
export { probeTarget } from './probe';
export { DEFAULT_TIERS, runConformance } from './run';
export type { ConformanceOptions } from './run';
export type { ConformanceReport, ScenarioVerdict } from './types';
export { conformanceJson } from './report-json';
export { formatConformanceJunit } from './report-junit';
export { renderConformanceHtml } from './report-html';
export { formatConformanceTable, formatSummaryLine, formatVerdict, tableHeader } from './report-text';
