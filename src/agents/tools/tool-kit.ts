import type { PriceTable } from '../pricing/price-table';
import type { ToolOutcome, Workload } from '../types';
import { checkedWorkload, type CheckedWorkload } from '../pricing/workload';
import { checkParameterKeys, ToolInputError, type Parameters } from './parameters';

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
