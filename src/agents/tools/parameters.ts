import { latencyLevels, type LatencySensitivity } from '../types';
import { isRecord } from '../../util/records';

/** A tool input the tool refuses: bad parameters (INVALID_PARAMETERS) or a bad workload. */
export class ToolInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ToolInputError';
  }
}

/** Tool parameters: a plain JSON object, as tool_executing.parameters carries it. */
export type Parameters = Record<string, unknown>;

function bad(message: string): ToolInputError {
  return new ToolInputError('INVALID_PARAMETERS', message);
}

/** Refuses parameters that are not a plain object or that carry keys the tool does not know. */
export function checkParameterKeys(tool: string, params: unknown, known: readonly string[]): Parameters {
  if (!isRecord(params)) throw bad(`${tool} parameters must be a JSON object.`);
  const unknown = Object.keys(params).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    const accepted = known.length > 0 ? known.join(', ') : 'none';
    throw bad(`${tool} does not take ${unknown.join(', ')}; it takes ${accepted}.`);
  }
  return params;
}

/** A number in [min, max] (optionally an integer), or `fallback` when absent. */
export function readNumber(
  params: Parameters,
  key: string,
  range: { min: number; max: number; integer?: boolean; minExclusive?: boolean },
  fallback: number,
): number {
  const value = params[key];
  if (value === undefined) return fallback;
  const inRange =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.minExclusive ? value > range.min : value >= range.min) &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!inRange) {
    const low = range.minExclusive ? `(${range.min}` : `[${range.min}`;
    throw bad(`${key} must be ${range.integer ? 'an integer' : 'a number'} in ${low}, ${range.max}].`);
  }
  return value as number;
}

/** A share (0..1) per latency level, merged over `fallback`. */
export function readLatencyShares(
  params: Parameters,
  key: string,
  fallback: Record<LatencySensitivity, number>,
): Record<LatencySensitivity, number> {
  const value = params[key];
  if (value === undefined) return { ...fallback };
  if (!isRecord(value)) throw bad(`${key} must be an object with low, medium and/or high shares.`);
  const merged = { ...fallback };
  for (const [level, share] of Object.entries(value)) {
    if (!latencyLevels.includes(level as LatencySensitivity)) throw bad(`${key} has unknown latency level '${level}'.`);
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
      throw bad(`${key}.${level} must be a share between 0 and 1.`);
    }
    merged[level as LatencySensitivity] = share;
  }
  return merged;
}

/** A list of latency levels, or `fallback` when absent. */
export function readLatencyLevels(
  params: Parameters,
  key: string,
  fallback: readonly LatencySensitivity[],
): LatencySensitivity[] {
  const value = params[key];
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || value.some((level) => !latencyLevels.includes(level as LatencySensitivity))) {
    throw bad(`${key} must be an array of latency levels (low, medium, high).`);
  }
  return latencyLevels.filter((level) => value.includes(level));
}

/** A share (0..1) per model name; every name must be a model of the workload. */
export function readModelShares(
  params: Parameters,
  key: string,
  workloadModels: readonly string[],
): Map<string, number> {
  const value = params[key];
  const shares = new Map<string, number>();
  if (value === undefined) return shares;
  if (!isRecord(value)) throw bad(`${key} must be an object mapping model names to shares.`);
  for (const [model, share] of Object.entries(value)) {
    if (!workloadModels.includes(model)) throw bad(`${key} names '${model}', which is not in the workload.`);
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
      throw bad(`${key}.${model} must be a share between 0 and 1.`);
    }
    shares.set(model, share);
  }
  return shares;
}

/** A list of model names of the workload, or all of them when absent. */
export function readModelList(params: Parameters, key: string, workloadModels: readonly string[]): string[] {
  const value = params[key];
  if (value === undefined) return [...workloadModels];
  if (!Array.isArray(value) || value.length === 0 || value.some((m) => typeof m !== 'string')) {
    throw bad(`${key} must be a non-empty array of model names.`);
  }
  for (const model of value as string[]) {
    if (!workloadModels.includes(model)) throw bad(`${key} names '${model}', which is not in the workload.`);
  }
  return workloadModels.filter((model) => (value as string[]).includes(model));
}

/** Distinct integers in [min, max], ascending, or `fallback` when absent. */
export function readIntegerList(
  params: Parameters,
  key: string,
  range: { min: number; max: number; maxItems: number },
  fallback: readonly number[],
): number[] {
  const value = params[key];
  if (value === undefined) return [...fallback];
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= range.maxItems &&
    value.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= range.min && n <= range.max);
  if (!ok) throw bad(`${key} must list 1 to ${range.maxItems} integers in [${range.min}, ${range.max}].`);
  return [...new Set(value as number[])].sort((a, b) => a - b);
}
