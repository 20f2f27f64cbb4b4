import type { PriceTable } from '../pricing/price-table';
import type { ToolOutcome, Workload } from '../types';
import { checkedWorkload, type CheckedWorkload } from '../pricing/workload';
import { checkParameterKeys, ToolInputError, type Parameters } from './parameters';
import { deepFreeze } from '../../util/deep-freeze';

/** What every tool computes from: the checked workload (defaults filled, prices looked up) and the table. */
export interface ToolContext extends CheckedWorkload {
  table: PriceTable;
}

/** One tool: a pure function of (parameters, workload, prices) returning a JSON object of figures. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameterKeys: readonly string[];
  run(params: Parameters, context: ToolContext): Record<string, unknown>;
}

/**
 * Runs a tool and never throws: bad parameters give INVALID_PARAMETERS, a workload the table cannot price gives
 * UNKNOWN_MODEL or INVALID_WORKLOAD, and a bug in the tool gives TOOL_INTERNAL_ERROR. Error outcomes carry the
 * details in `results` so that tool_completed shows them.
 */
export function runTool(tool: ToolDefinition, parameters: unknown, workload: Workload, table: PriceTable): ToolOutcome {
  const key = memoKey(tool, parameters, workload);
  if (key === undefined) return computeTool(tool, parameters, workload, table);
  let byTable = frozenOutcomes.get(workload);
  if (byTable === undefined) frozenOutcomes.set(workload, (byTable = new WeakMap()));
  let outcomes = byTable.get(table);
  if (outcomes === undefined) byTable.set(table, (outcomes = new Map()));
  let outcome = outcomes.get(key);
  if (outcome === undefined) {
    // Frozen: the same outcome goes to every later run (and its tool_completed text can be cached by identity).
    outcome = deepFreeze(computeTool(tool, parameters, workload, table));
    if (outcomes.size < MAX_OUTCOMES_PER_WORKLOAD) outcomes.set(key, outcome);
  }
  return outcome;
}

/**
 * Outcomes of tools on frozen workloads (the shared sample workload, a run's frozen copy of its context), by workload,
 * table and tool + parameters: a tool is a pure function of those, and every run on the sample workload asks the
 * same questions, so the figures and their formatting are computed once instead of once per run.
 */
const frozenOutcomes = new WeakMap<object, WeakMap<PriceTable, Map<string, ToolOutcome>>>();
// Bounds what one workload can pin (agents ask a handful of distinct questions per workload).
const MAX_OUTCOMES_PER_WORKLOAD = 64;

/** The memo key, or undefined when the call cannot be memoised (workload not frozen, parameters not plain JSON). */
function memoKey(tool: ToolDefinition, parameters: unknown, workload: Workload): string | undefined {
  if (typeof workload !== 'object' || workload === null || !Object.isFrozen(workload)) return undefined;
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  // Frozen parameters (the agents' own, shared by their runs) cannot change: their key is worked out once.
  const frozen = Object.isFrozen(parameters);
  const keys = frozen ? frozenParameterKeys.get(parameters) : undefined;
  const known = keys?.get(tool);
  if (known !== undefined) return known === NOT_MEMOISABLE ? undefined : known;
  const key = writesBackExactly(parameters) ? `${tool.name}\u0000${JSON.stringify(parameters)}` : NOT_MEMOISABLE;
  if (frozen) {
    if (keys === undefined) frozenParameterKeys.set(parameters, new Map([[tool, key]]));
    else keys.set(tool, key);
  }
  return key === NOT_MEMOISABLE ? undefined : key;
}

/** Memo keys of frozen parameter objects, by tool. */
const frozenParameterKeys = new WeakMap<object, Map<ToolDefinition, string>>();
const NOT_MEMOISABLE = '';

/** True when JSON text of `value` means the same parameters (-0 prints as 0 and NaN as null: not the same). */
function writesBackExactly(value: unknown, depth = 0): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || value === null || depth > 4) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return value.every((item) => writesBackExactly(item, depth + 1));
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => writesBackExactly(item, depth + 1));
}

function computeTool(tool: ToolDefinition, parameters: unknown, workload: Workload, table: PriceTable): ToolOutcome {
  try {
    const params = checkParameterKeys(tool.name, parameters, tool.parameterKeys);
    const checked = checkedWorkload(workload, table);
    if (!checked.ok) throw new ToolInputError(checked.problem.code, checked.problem.message, checked.problem.details);
    return { status: 'success', results: tool.run(params, { ...checked.value, table }) };
  } catch (err) {
    if (err instanceof ToolInputError) {
      return { status: 'error', results: { ...err.details }, error: { code: err.code, message: err.message } };
    }
    const message = err instanceof Error ? err.message : String(err);
    return {
      status: 'error',
      results: {},
      error: { code: 'TOOL_INTERNAL_ERROR', message: `${tool.name} failed: ${message}`.slice(0, 2000) },
    };
  }
}
