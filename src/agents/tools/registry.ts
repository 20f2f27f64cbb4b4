import { priceTable, type PriceTable } from '../pricing/price-table';
import type { ToolOutcome, Workload } from '../types';
import { cacheBatchEstimator } from './cache-batch-estimator';
import { costAnalyzer } from './cost-analyzer';
import { gpuRightsizer } from './gpu-rightsizer';
import { routingSimulator } from './routing-simulator';
import { spendForecaster } from './spend-forecaster';
import { runTool, type ToolDefinition } from './tool-kit';

const tools: readonly ToolDefinition[] = [
  costAnalyzer,
  routingSimulator,
  cacheBatchEstimator,
  gpuRightsizer,
  spendForecaster,
];
const toolsByName = new Map(tools.map((tool) => [tool.name, tool]));

/** Names of every tool, in the order agents usually call them. */
export const toolNames: readonly string[] = Object.freeze(tools.map((tool) => tool.name));

/** One line per tool, for help texts and docs. */
export const toolDescriptions: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(tools.map((tool) => [tool.name, tool.description])),
);

/**
 * Runs one tool on a workload. Never throws: an unknown tool gives UNKNOWN_TOOL, and every refusal is an error
 * outcome with a stable code (see runTool).
 */
export function executeTool(
  toolName: string,
  parameters: Record<string, unknown>,
  workload: Workload,
  table: PriceTable = priceTable,
): ToolOutcome {
  const tool = toolsByName.get(toolName);
  if (!tool) {
    return {
      status: 'error',
      results: { known_tools: [...toolNames] },
      error: { code: 'UNKNOWN_TOOL', message: `There is no tool '${String(toolName).slice(0, 64)}'.` },
    };
  }
  return runTool(tool, parameters, workload, table);
}
