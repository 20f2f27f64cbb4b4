import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSpecFromString } from '../../../src/asyncapi';
import { runProtocolOf } from '../../../src/codegen';
import { loadProtocol, ProtocolError } from '../../../src/protocol';

const dir = mkdtempSync(path.join(tmpdir(), 'protocol-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function contractFile(name: string, body: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

const LIMITS = {
  max_client_frame_bytes: 1,
  max_server_frame_bytes: 2,
  max_json_depth: 3,
  client_frames_per_second: 4,
  client_frames_burst: 5,
  heartbeat_interval_ms: 6,
};

describe('loadProtocol', () => {
  it('reads the generated contract of asyncapi.yaml: run events, start, terminals, limits, close codes', () => {
    const p = loadProtocol();
    expect(p.specName).toBe(`${p.title}@${p.version}`);
    expect(p.startType).toBe('agent_started');
    expect([...p.terminalTypes]).toEqual(['agent_completed', 'agent_error']);
    expect(p.runEventTypes.has('tool_completed')).toBe(true);
    expect(p.runEventTypes.has('error_message')).toBe(false);
    expect(p.clientTypes.has('start_agent')).toBe(true);
    expect(p.serverTypes.has('start_agent')).toBe(false);
    expect(p.limits.max_client_frame_bytes).toBe(65536);
    expect(p.closeCodes.get(1013)).toMatch(/slow consumer/i);
    expect(p.isRunEvent({ type: 'agent_thinking', run_id: 'run_x', seq: 2 })).toBe(true);
    expect(p.isRunEvent({ type: 'agent_thinking', run_id: 'run_x' })).toBe(false);
    expect(p.isRunEvent({ type: 'error_message', run_id: 'run_x', seq: 2 })).toBe(false);
    expect(p.isTerminal('agent_error')).toBe(true);
    expect(p.isTerminal('agent_started')).toBe(false);
  });

  it('reads a contract with a new run event without any code knowing its name', () => {
    const file = contractFile('new-event.json', {
      title: 'T',
      version: '2.3.4',
      channel: { address: '/x', limits: LIMITS, close_codes: { 4000: 'custom' } },
      messages: [{ name: 'go', type: 'go', direction: 'receive', run: null }],
      run: { events: ['begin', 'agent_progress', 'end'], start: 'begin', terminals: ['end'] },
    });
    const p = loadProtocol(file);
    expect(p.protocolVersion).toBe('2.3');
    expect(p.runEventTypes.has('agent_progress')).toBe(true);
    expect(p.closeCodes.get(4000)).toBe('custom');
  });

  it.each([
    ['missing file', undefined, 'CONTRACT_MISSING'],
    ['not JSON', 'not json', 'CONTRACT_INVALID'],
    [
      'no run protocol',
      { title: 'T', version: '1', channel: { address: '/', limits: LIMITS }, messages: [] },
      'CONTRACT_INVALID',
    ],
    [
      'a missing limit',
      {
        title: 'T',
        version: '1',
        channel: { address: '/', limits: {} },
        messages: [],
        run: { events: [], start: 'a', terminals: [] },
      },
      'CONTRACT_INVALID',
    ],
  ])('refuses %s with a typed error, never a default', (name, body, code) => {
    const file = body === undefined ? path.join(dir, 'absent.json') : contractFile(`${name}.json`, body);
    let caught: unknown;
    try {
      loadProtocol(file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).code).toBe(code);
    expect((caught as ProtocolError).message).toContain("run 'netra-contracts generate'");
  });
});

describe('runProtocolOf (codegen)', () => {
  const doc = (marks: string): string => `asyncapi: 3.0.0
info: { title: X, version: '1.0.0' }
channels:
  c:
    address: /c
    messages:
      s: { $ref: '#/components/messages/s' }
      e: { $ref: '#/components/messages/e' }
      p: { $ref: '#/components/messages/p' }
operations:
  out:
    action: send
    channel: { $ref: '#/channels/c' }
components:
  messages:
    s:
      ${marks.includes('s') ? 'x-netra-run: start' : ''}
      payload: { type: object, required: [type, run_id, seq], properties: { type: { const: s } } }
    p:
      payload: { type: object, required: [type, run_id, seq], properties: { type: { const: p } } }
    e:
      ${marks.includes('e') ? 'x-netra-run: terminal' : ''}
      ${marks.includes('!') ? 'x-netra-run: terminal' : ''}
      payload: { type: object, required: [type${marks.includes('!') ? '' : ', run_id, seq'}], properties: { type: { const: e } } }
`;

  it('derives run events from required run_id and seq, and start/terminals from x-netra-run', async () => {
    const spec = await loadSpecFromString(doc('se'), 'x.yaml');
    expect(runProtocolOf(spec)).toEqual({ events: ['s', 'e', 'p'], start: 's', terminals: ['e'] });
  });

  it('is null for a document without a run start', async () => {
    expect(runProtocolOf(await loadSpecFromString(doc(''), 'x.yaml'))).toBeNull();
  });

  it('refuses a mark on a message that is not a run event', async () => {
    const spec = await loadSpecFromString(doc('s!'), 'x.yaml');
    expect(() => runProtocolOf(spec)).toThrow(expect.objectContaining({ code: 'RUN_PROTOCOL_INVALID' }));
  });
});
