import { AgentFailure } from './errors';
import type { AgentAnswer, AgentIO, AgentRequest } from './types';
import { costOptimizerName, runCostOptimizer } from './cost-optimizer';
import { asksForForecast } from './request-hints';
import { runSpendForecaster, spendForecasterName } from './spend-forecaster';

/** An agent: awaits `io.think`, `io.callTool` and `io.emit` in order and resolves with the agent_completed body. */
export type AgentRunner = (req: AgentRequest, io: AgentIO) => Promise<AgentAnswer>;

/** What agent_name may be (asyncapi.yaml `AgentName`). */
const AGENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

const agents = new Map<string, { description: string; run: AgentRunner }>([
  [costOptimizerName, { description: 'Finds routing, caching, batching and GPU savings.', run: runCostOptimizer }],
  [
    spendForecasterName,
    { description: 'Forecasts spend and budget, then the savings that bend it.', run: runSpendForecaster },
  ],
]);

// Kept in step with `agents` by registerAgent; handed out read-only.
const names: string[] = [...agents.keys()];
const descriptions: Record<string, string> = Object.fromEntries(
  [...agents].map(([name, agent]) => [name, agent.description]),
);

/** Names of every agent; the first is the default. */
export const agentNames: readonly string[] = names;

/** One line per agent, for help texts and docs. */
export const agentDescriptions: Readonly<Record<string, string>> = descriptions;

/**
 * Adds an agent to this process's registry, to be run by name (`start_agent.agent_name`); the request-text choice
 * between the built-in agents does not change. Throws AgentFailure INVALID_AGENT for a name agent_name cannot carry
 * or one already taken.
 */
export function registerAgent(name: string, description: string, run: AgentRunner): void {
  if (!AGENT_NAME.test(name)) {
    throw new AgentFailure('INVALID_AGENT', `Agent name '${name.slice(0, 64)}' does not match ${AGENT_NAME.source}.`);
  }
  if (agents.has(name)) throw new AgentFailure('INVALID_AGENT', `There is already an agent '${name}'.`);
  agents.set(name, { description, run });
  names.push(name);
  descriptions[name] = description;
}

function unknownAgent(name: string): AgentFailure {
  return new AgentFailure(
    'UNKNOWN_AGENT',
    `There is no agent '${name.slice(0, 64)}'; the agents are ${agentNames.join(', ')}.`,
    { retryable: false },
  );
}

/** The agent for a request: the one it names, else spend_forecaster for forecasts and budgets, else cost_optimizer. */
export function chooseAgent(req: AgentRequest): string {
  if (req.agentName !== undefined) {
    if (!agents.has(req.agentName)) throw unknownAgent(req.agentName);
    return req.agentName;
  }
  return asksForForecast(req.userRequest) ? spendForecasterName : costOptimizerName;
}

/** Runs one agent to its answer through the provider's IO. */
export async function runAgent(name: string, req: AgentRequest, io: AgentIO): Promise<AgentAnswer> {
  const agent = agents.get(name);
  if (!agent) throw unknownAgent(name);
  return agent.run(req, io);
}
