// The agents' outputs checked against asyncapi.yaml's own schemas (compiled here with ajv until the generated
// validators land): sample workloads are valid start_agent contexts, and every event a run would produce
// (agent_thinking, tool_executing, tool_completed, agent_completed) is valid once the provider adds its envelope.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { agentNames, runAgent, sampleWorkload, type AgentAnswer } from '../../../src/agents';
import { RecordingIO } from './recording-io';

const spec = parse(readFileSync(join(__dirname, '../../../asyncapi.yaml'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// Only the schemas: the document root has AsyncAPI keys (`id`, `info`, ...) that are not JSON Schema.
ajv.addSchema({ components: { schemas: spec.components.schemas } }, 'asyncapi');

function validator(schema: string) {
  const validate = ajv.getSchema(`asyncapi#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  return (value: unknown) => {
    const ok = validate(value);
    return ok ? [] : (validate.errors ?? []).map((e) => `${schema}${e.instancePath} ${e.message}`);
  };
}

const envelope = {
  event_id: 'evt_a1b2c3d4e5f6',
  run_id: 'run_3k9d2m1x8q',
  thread_id: 'thr_5h6j7k8l9m',
  user_id: 'alice',
  timestamp: '2026-11-24T10:15:31.004Z',
};

describe('agents against asyncapi.yaml', () => {
  it('sample workloads are valid start_agent contexts', () => {
    const validWorkload = validator('Workload');
    expect(validWorkload({ workload: [] })).not.toEqual([]); // the check can fail
    for (const user of ['alice', 'bob', 'carol', 'x', 'ops@example.com'])
      expect(validWorkload(sampleWorkload(user))).toEqual([]);
  });

  it.each(agentNames.map((n) => [n]))('%s produces only contract-valid events', async (agent) => {
    const req = { userId: 'alice', userRequest: 'Optimise my AI costs for the next quarter.' };
    const io = new RecordingIO(req);
    const answer: AgentAnswer = await runAgent(agent, req, io);
    let seq = 1;
    const errors: string[] = [];
    let step = 0;
    for (const [index, s] of io.steps.entries()) {
      const common = { ...envelope, agent_name: agent, seq: ++seq };
      if (s.kind === 'think') {
        errors.push(
          ...validator('AgentThinking')({
            type: 'agent_thinking',
            ...common,
            reasoning: s.reasoning,
            step_number: ++step,
          }),
        );
      } else if (s.kind === 'tool') {
        const call = { tool_call_id: `call_${index}`, tool_name: s.tool };
        errors.push(
          ...validator('ToolExecuting')({ type: 'tool_executing', ...common, ...call, parameters: s.parameters }),
        );
        errors.push(
          ...validator('ToolCompleted')({
            type: 'tool_completed',
            ...common,
            seq: ++seq,
            ...call,
            ...s.outcome,
            execution_time_ms: 12,
          }),
        );
      }
    }
    errors.push(
      ...validator('AgentCompleted')({
        type: 'agent_completed',
        ...envelope,
        agent_name: agent,
        seq: ++seq,
        ...answer,
        execution_time_ms: 1476,
      }),
    );
    expect(errors).toEqual([]);
    expect(answer.status).toBe('success');
  });
});
