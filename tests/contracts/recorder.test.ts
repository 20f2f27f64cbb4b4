// The recorder against a real stack: what it writes is the fixed session format, with readable connection ids,
// the token's user (null when refused), who closed, and never a token.
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { parseSessionText } from '../../src/sessions';
import { startEmbeddedTarget, type EmbeddedTarget } from '../../src/pipeline/embedded';
import { recordScenario, RecordError } from '../../src/verify/record';
import { parseScenario } from '../../src/verify/scenarios';
import type { Target } from '../../src/verify/targets/types';

const FAST = { thinkMs: 5, toolMs: 5, jitter: 0 };

const SCENARIO = `name: redaction
description: a refresh, a token pasted into a message, a refused token, a drop and an expiry
users:
  rita: {}
  eve: { token: { kind: expired } }
connections:
  rita-1: { user: rita }
  rita-2: { user: rita, via: subprotocol, token: { ttl_s: 1 } }
  eve-1: { user: eve }
steps:
  - connect: eve-1
  - wait_close: { conn: eve-1, code: 1008 }
  - connect: rita-1
  - refresh: { conn: rita-1 }
  - send: { conn: rita-1, msg: { type: start_agent, request_id: rita-q1, user_request: 'my token is PLACEHOLDER, save money' } }
  - wait_for: { conn: rita-1, type: terminal, run: rita-q1 }
  - drop: rita-1
  - connect: rita-2
  - wait_close: { conn: rita-2, code: 1008 }
`;

let embedded: EmbeddedTarget;
let target: Target;
let dir: string;
beforeAll(async () => {
  embedded = await startEmbeddedTarget({ provider: FAST });
  target = embedded.target;
  dir = mkdtempSync(path.join(os.tmpdir(), 'netra-record-'));
});
afterAll(async () => {
  await embedded.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record', () => {
  // The first two cases mostly wait (a 1-second token expiring past the clock leeway; a wait that times out), each
  // with users of its own on the shared provider: concurrently.
  it.concurrent(
    'writes the session format, redacting every token',
    async () => {
      const { token: pasted } = await target.auth.token({ user: 'rita' });
      const scenario = parseScenario(SCENARIO.replace('PLACEHOLDER', pasted));
      const out = path.join(dir, 'redaction.session.jsonl');
      const result = await recordScenario(scenario, target, out, { userPrefix: '' });
      const text = readFileSync(out, 'utf8');
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
      expect(text).not.toContain(pasted);

      const session = parseSessionText(text, out);
      expect(result).toMatchObject({ scenario: 'redaction', file: out, lines: session.lines, connections: 3, runs: 1 });
      expect(session.header).toMatchObject({
        kind: 'header',
        scenario: 'redaction',
        spec: 'Netra Agent WebSocket@1.0.0',
      });
      expect(session.header.provider).toMatch(/^netra-reference@\d+\.\d+\.\d+$/);
      expect(Number.isNaN(Date.parse(String(session.header.recorded_at)))).toBe(false);

      const opens = session.records.filter((r) => r.kind === 'open');
      expect(opens.map((r) => [r.conn, r.user, r.token_kind])).toEqual([
        ['eve-1', null, 'expired'],
        ['rita-1', 'rita', undefined],
        ['rita-2', 'rita', undefined],
      ]);
      const closes = session.records.filter((r) => r.kind === 'close');
      expect(closes.map((r) => [r.conn, r.code, r.by])).toEqual([
        ['eve-1', 1008, 'server'],
        ['rita-1', 1006, 'client'],
        ['rita-2', 1008, 'server'],
      ]);
      const c2s = session.records
        .filter((r) => r.kind === 'frame' && r.dir === 'c2s')
        .map((r) => (r as { msg: Record<string, unknown> }).msg);
      expect(c2s[0]).toEqual({ type: 'auth_refresh', token: '<redacted>' });
      // A valid credential is what an absent token_kind means; a bad one is named, on the open and on a refresh.
      const refresh = session.records.find((r) => r.kind === 'frame' && r.dir === 'c2s');
      expect(refresh).not.toHaveProperty('token_kind');
      expect(c2s[1].user_request).toBe('my token is <redacted>, save money');
      // t is ms since the start, never decreasing.
      const ts = session.records.map((r) => r.t);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
      expect(ts[0]).toBeGreaterThanOrEqual(0);
    },
    30_000,
  );

  it.concurrent(
    'fails with RECORD_EXPECTATION_FAILED when the provider does not do what the scenario waits for, keeping no file',
    async () => {
      const scenario = parseScenario(`name: impossible
description: waits for an event that never comes
timeout_ms: 300
users: { ann: {} }
connections: { ann-1: { user: ann } }
steps:
  - connect: ann-1
  - wait_for: { conn: ann-1, type: agent_started }
`);
      const out = path.join(dir, 'impossible.session.jsonl');
      const failure = await recordScenario(scenario, target, out).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(RecordError);
      expect(failure).toMatchObject({ code: 'RECORD_EXPECTATION_FAILED', exitCode: 1 });
      expect((failure as Error).message).toMatch(
        /step 2 \(line 8\) wait_for: ann-1 waiting for 1 x agent_started of any run: not within 5300 ms/,
      );
      expect(() => readFileSync(out)).toThrow();
      expect(() => readFileSync(`${out}.partial`)).toThrow();
    },
    30_000,
  );

  it('gives every user of a run a fresh prefix by default, and every copy its own user', async () => {
    const scenario = parseScenario(`name: copies
description: two copies of one user
copies: 2
users: { ann: {} }
connections: { ann-1: { user: ann } }
steps:
  - connect: ann-1
  - send: { conn: ann-1, msg: { type: start_agent, request_id: q, user_request: Save money. } }
  - wait_for: { conn: ann-1, type: terminal, run: q }
`);
    const out = path.join(dir, 'copies.session.jsonl');
    await recordScenario(scenario, target, out);
    const opens = parseSessionText(readFileSync(out, 'utf8'), out).records.filter((r) => r.kind === 'open');
    const users = opens.map((r) => (r.kind === 'open' ? [r.conn, r.user] : [])).sort();
    expect(users).toEqual([
      ['ann.1-1', expect.stringMatching(/^[0-9a-f]{6}\.ann\.1$/)],
      ['ann.2-1', expect.stringMatching(/^[0-9a-f]{6}\.ann\.2$/)],
    ]);
    expect(String(users[0][1]).slice(0, 7)).toBe(String(users[1][1]).slice(0, 7));
  }, 30_000);

  it('is skipped (RECORD_ASSUMPTION_UNMET) when the run ends without what an assumption waits for, keeping no file', async () => {
    const scenario = parseScenario(`name: assume
description: waits for an agent_error the run will not have
users: { ann: {} }
connections: { ann-1: { user: ann } }
steps:
  - connect: ann-1
  - send: { conn: ann-1, msg: { type: start_agent, request_id: q, user_request: Save money. } }
  - wait_for: { conn: ann-1, type: agent_error, run: q, assume: the agent fails this request }
`);
    const out = path.join(dir, 'assume.session.jsonl');
    const failure = (await recordScenario(scenario, target, out).catch((err: unknown) => err)) as RecordError;
    expect(failure).toBeInstanceOf(RecordError);
    expect(failure).toMatchObject({ code: 'RECORD_ASSUMPTION_UNMET', skipped: true });
    expect(failure.message).toMatch(
      /^the agent fails this request \(step 3 \(line 8\) wait_for: .*the run ended \(agent_completed\) without it\)$/,
    );
    expect(() => readFileSync(out)).toThrow();
  }, 30_000);

  it('fails at once, not after a timeout, when a run ends without what the step waits for', async () => {
    const scenario = parseScenario(`name: ended
description: waits for an agent_error the run will not have
timeout_ms: 20000
users: { ann: {} }
connections: { ann-1: { user: ann } }
steps:
  - connect: ann-1
  - send: { conn: ann-1, msg: { type: start_agent, request_id: q, user_request: Save money. } }
  - wait_for: { conn: ann-1, type: agent_error, run: q }
`);
    const started = Date.now();
    await expect(recordScenario(scenario, target, path.join(dir, 'ended.session.jsonl'))).rejects.toMatchObject({
      code: 'RECORD_EXPECTATION_FAILED',
      message: expect.stringMatching(/the run ended \(agent_completed\) without it/),
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
