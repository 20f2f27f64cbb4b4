// registerAgent: a new agent runs by name next to the built-in ones; names agent_name cannot carry, and names already
// taken, are refused with a typed error.
import { AgentFailure, agentNames, chooseAgent, registerAgent, runAgent, type AgentRunner } from '../../../src/agents';
import { RecordingIO } from './recording-io';

const result = { currency: 'USD' as const, recommendations: [], total_estimated_monthly_savings_usd: 0 };
const echo: AgentRunner = async (req, io) => {
  await io.think(`You asked: ${req.userRequest}`);
  await io.emit({ type: 'agent_thinking', reasoning: 'A step of my own.', step_number: 2 });
  return { status: 'partial', final_response: req.userRequest, result };
};

describe('registerAgent', () => {
  it('adds an agent that runs by name, emits through AgentIO and leaves the default choice alone', async () => {
    registerAgent('echo_probe', 'Says what it was asked.', echo);
    expect(agentNames).toContain('echo_probe');
    const req = { userId: 'alice', userRequest: 'Hello', agentName: 'echo_probe' };
    expect(chooseAgent(req)).toBe('echo_probe');
    expect(chooseAgent({ userId: 'alice', userRequest: 'Cut my LLM costs' })).toBe('cost_optimizer');
    const io = new RecordingIO(req);
    await expect(runAgent('echo_probe', req, io)).resolves.toMatchObject({ final_response: 'Hello' });
    expect(io.steps).toEqual([
      { kind: 'think', reasoning: 'You asked: Hello' },
      { kind: 'emit', event: { type: 'agent_thinking', reasoning: 'A step of my own.', step_number: 2 } },
    ]);
  });

  it.each([
    ['a name agent_name cannot carry', 'Echo Probe'],
    ['an empty name', ''],
    ['a name over 64 characters', `a${'b'.repeat(64)}`],
    ['a name already taken', 'cost_optimizer'],
  ])('refuses %s with AgentFailure INVALID_AGENT', (_what, name) => {
    const before = [...agentNames];
    expect(() => registerAgent(name, 'x', echo)).toThrow(AgentFailure);
    expect(() => registerAgent(name, 'x', echo)).toThrow(expect.objectContaining({ code: 'INVALID_AGENT' }));
    expect([...agentNames]).toEqual(before);
  });
});
