// A client resumes from the last CONTIGUOUS seq it holds, not from the highest: when a live event overtakes the
// resume (the spec allows live events to arrive before replayed older ones), resuming from the highest seq would
// skip the events in the gap and blame the provider. The provider here is the real replay server serving a session
// in which seq 3 of the run arrives after seq 4; it checks the resume the recorder sends against the recorded one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSessionText } from '../../../../src/sessions';
import { shorthandTarget } from '../../../../src/verify/targets';
import { recordScenario } from '../../../../src/verify/record';
import { startReplayServer } from '../../../../src/verify/replay-server';
import { parseScenario } from '../../../../src/verify/scenarios';

const RUN = 'run_contiguous01';
const event = (conn: string, t: number, type: string, seq: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ kind: 'frame', t, conn, dir: 's2c', msg: { type, run_id: RUN, seq, user_id: 'una', ...extra } });
const established = (conn: string, t: number): string =>
  JSON.stringify({
    kind: 'frame',
    t,
    conn,
    dir: 's2c',
    msg: { type: 'connection_established', connection_id: `conn_${conn}xxxxxx`, user_id: 'una' },
  });

const SESSION = [
  '{"kind":"header","spec":"Netra Agent WebSocket@1.0.0","scenario":"contiguous","provider":"hand-written"}',
  '{"kind":"open","t":1,"conn":"una-1","user":"una","token_kind":"valid"}',
  established('una-1', 1),
  '{"kind":"frame","t":2,"conn":"una-1","dir":"c2s","msg":{"type":"start_agent","request_id":"u-q1","user_request":"Save money."}}',
  event('una-1', 3, 'agent_started', 1, { request_id: 'u-q1' }),
  event('una-1', 4, 'agent_thinking', 2),
  event('una-1', 5, 'tool_executing', 4),
  '{"kind":"close","t":6,"conn":"una-1","code":1006,"reason":"","by":"client"}',
  '{"kind":"open","t":7,"conn":"una-2","user":"una","token_kind":"valid"}',
  established('una-2', 7),
  `{"kind":"frame","t":8,"conn":"una-2","dir":"c2s","msg":{"type":"resume","run_id":"${RUN}","last_seq":2}}`,
  event('una-2', 9, 'agent_thinking', 3),
  event('una-2', 10, 'tool_completed', 5),
  event('una-2', 11, 'agent_completed', 6, { status: 'success' }),
  '{"kind":"close","t":12,"conn":"una-2","code":1000,"reason":"done","by":"client"}',
].join('\n');

const SCENARIO = `name: contiguous
description: a drop after a live event overtook an older one, then a reconnect
users: { una: {} }
connections: { una-1: { user: una }, una-2: { user: una } }
steps:
  - connect: una-1
  - send: { conn: una-1, msg: { type: start_agent, request_id: u-q1, user_request: Save money. } }
  - wait_for: { conn: una-1, type: any, run: u-q1, count: 3 }
  - drop: una-1
  - reconnect: { conn: una-2 }
  - wait_for: { user: una, type: terminal, run: u-q1 }
  - close: una-2
`;

describe('resume from the last contiguous seq held', () => {
  it('sends last_seq 2 when seqs 1, 2 and 4 are held, and the provider finds nothing wrong with the client', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'netra-contiguous-'));
    const server = await startReplayServer({
      sessions: [parseSessionText(SESSION, 'contiguous.session.jsonl')],
      speed: 0,
    });
    try {
      const target = { ...shorthandTarget(server.url, server.authUrl), clockLeewayS: 0 };
      const out = path.join(dir, 'contiguous.session.jsonl');
      await recordScenario(parseScenario(SCENARIO), target, out);
      const summary = await server.close();
      expect(summary.sessions[0].mismatches).toEqual([]);
      expect(summary.ok).toBe(true);
      const recorded = parseSessionText(readFileSync(out, 'utf8'));
      const resume = recorded.records.find(
        (r) => r.kind === 'frame' && (r.msg as { type?: string })?.type === 'resume',
      );
      expect(resume).toMatchObject({ conn: 'una-2', msg: { type: 'resume', run_id: RUN, last_seq: 2 } });
      // The replay server served the run as the user the recorder connected as (a fresh prefixed id).
      const user = recorded.records.find((r) => r.kind === 'open')?.user as string;
      expect(user).toMatch(/^[0-9a-f]{6}\.una$/);
      const first = recorded.records.find((r) => r.kind === 'frame' && r.dir === 's2c');
      expect(first).toMatchObject({ msg: { type: 'connection_established', user_id: user } });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
