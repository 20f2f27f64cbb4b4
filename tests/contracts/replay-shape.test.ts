// Replay compares the live traffic with the recording by shape: these pin down what may vary (how many thoughts,
// the order of back-to-back tools, where a cancel lands) and prove that a changed recording is detected, in memory
// and against a live provider through the CLI.
import { execFile } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { parseSessionText, readSession } from '../../src/sessions';
import { RECORDING_PROVIDER_OPTIONS, startEmbeddedTarget } from '../../src/pipeline/embedded';
import { compareShapes, planReplay, replaySession, sessionShape } from '../../src/verify/replay';
import { CLI, ROOT, SESSIONS_DIR } from './support/sessions';

const HEADER = '{"kind":"header","spec":"Netra Agent WebSocket@1.0.0","scenario":"x"}';

/** A session text from compact lines: `open c user`, `close c code by`, `s2c c {json}`, `c2s c {json}`. */
function session(...lines: string[]): ReturnType<typeof parseSessionText> {
  let t = 0;
  const records = lines.map((line) => {
    const [kind, conn, ...rest] = line.split(' ');
    t += 10;
    if (kind === 'open') return { kind, t, conn, user: rest[0] === 'null' ? null : rest[0] };
    if (kind === 'close') return { kind, t, conn, code: Number(rest[0]), reason: '', by: rest[1] };
    return { kind: 'frame', t, conn, dir: kind, msg: JSON.parse(rest.join(' ')) };
  });
  return parseSessionText([HEADER, ...records.map((r) => JSON.stringify(r))].join('\n'));
}

const ev = (seq: number, type: string, extra: Record<string, unknown> = {}): string =>
  `s2c a-1 ${JSON.stringify({ type, run_id: 'run_abcdef', seq, agent_name: 'cost_optimizer', ...extra })}`;
const started = ev(1, 'agent_started', { request_id: 'q1' });
const thinking = (seq: number): string => ev(seq, 'agent_thinking');
const exec = (seq: number, tool: string): string =>
  ev(seq, 'tool_executing', { tool_name: tool, tool_call_id: `call_${tool}` });
const done = (seq: number, tool: string, status = 'success'): string =>
  ev(seq, 'tool_completed', { tool_name: tool, tool_call_id: `call_${tool}`, status });
const completed = (seq: number, status = 'success'): string => ev(seq, 'agent_completed', { status });
const open = 'open a-1 alice';
const established = 's2c a-1 {"type":"connection_established"}';
const close = 'close a-1 1000 client';

describe('session shape', () => {
  it('collapses consecutive agent_thinking and compares back-to-back tools as a multiset', () => {
    const recorded = session(
      open,
      established,
      started,
      thinking(2),
      thinking(3),
      exec(4, 'a'),
      exec(5, 'b'),
      done(6, 'b'),
      done(7, 'a'),
      completed(8),
      close,
    );
    const live = session(
      open,
      established,
      started,
      thinking(2),
      exec(3, 'a'),
      done(4, 'a'),
      exec(5, 'b'),
      done(6, 'b'),
      completed(7),
      close,
    );
    expect(sessionShape(recorded).runs.get('alice/q1')?.steps).toEqual([
      'agent_started',
      'agent_thinking*',
      'tools[a:success,b:success]',
      'agent_completed:success',
    ]);
    expect(compareShapes(sessionShape(recorded), sessionShape(live))).toEqual([]);
  });

  it('detects another tool, a tool status, a thought between tools, another outcome', () => {
    const base = [open, established, started, thinking(2), exec(3, 'a'), done(4, 'a'), completed(5), close];
    const recorded = sessionShape(session(...base));
    const variants = [
      [open, established, started, thinking(2), exec(3, 'z'), done(4, 'z'), completed(5), close],
      [open, established, started, thinking(2), exec(3, 'a'), done(4, 'a', 'error'), completed(5), close],
      [open, established, started, exec(2, 'a'), done(3, 'a'), thinking(4), completed(5), close],
      [open, established, started, thinking(2), exec(3, 'a'), done(4, 'a'), completed(5, 'partial'), close],
    ];
    for (const variant of variants) {
      const differences = compareShapes(recorded, sessionShape(session(...variant)));
      expect(differences).toEqual([expect.objectContaining({ where: 'run alice/q1', what: 'events' })]);
    }
  });

  it('compares a cancelled run by its first and terminal events only', () => {
    const recorded = session(
      open,
      established,
      started,
      thinking(2),
      exec(3, 'a'),
      done(4, 'a', 'error'),
      completed(5, 'cancelled'),
      close,
    );
    const live = session(
      open,
      established,
      started,
      thinking(2),
      exec(3, 'a'),
      done(4, 'a'),
      exec(5, 'b'),
      done(6, 'b', 'error'),
      completed(7, 'cancelled'),
      close,
    );
    expect(compareShapes(sessionShape(recorded), sessionShape(live))).toEqual([]);
    const notCancelled = session(open, established, started, thinking(2), completed(3), close);
    expect(compareShapes(sessionShape(recorded), sessionShape(notCancelled))).toEqual([
      expect.objectContaining({ what: 'events', expected: 'agent_started > agent_completed:cancelled' }),
    ]);
  });

  it('detects other error codes, another close, a refused connection that was accepted, missing and extra runs', () => {
    const recorded = session(
      open,
      established,
      'c2s a-1 {"type":"nope"}',
      's2c a-1 {"type":"error_message","error_code":"UNKNOWN_MESSAGE_TYPE"}',
      started,
      completed(2),
      close,
    );
    const live = session(
      'open a-1 null',
      's2c a-1 {"type":"error_message","error_code":"TOKEN_INVALID"}',
      'close a-1 1008 server',
    );
    const differences = compareShapes(sessionShape(recorded), sessionShape(live));
    expect(differences.map((d) => `${d.where}: ${d.what}`)).toEqual([
      'conn a-1: user',
      'conn a-1: frames that are not run events',
      'conn a-1: close',
      'run alice/q1: run',
    ]);
    expect(compareShapes(sessionShape(live), sessionShape(recorded)).map((d) => `${d.where}: ${d.what}`)).toContain(
      'run alice/q1: run',
    );
  });

  it('maps live request ids back to the recorded ones', () => {
    const live = session(open, established, ev(1, 'agent_started', { request_id: 'q1:1a2b' }), completed(2), close);
    const ids = { requestIdOf: (id: string) => id.replace(/:1a2b$/, ''), userOf: (user: string) => user };
    expect([...sessionShape(live, ids).runs.keys()]).toEqual(['alice/q1']);
  });
});

describe('replay plan', () => {
  it('derives each connection token: the recorded lifetime, or the kind its refusal implies', () => {
    const established = (expires: string): string =>
      `s2c a-1 {"type":"connection_established","server_time":"2026-01-01T00:00:59.000Z","token_expires_at":"${expires}"}`;
    const plan = planReplay(
      session(
        'open a-1 alice',
        established('2026-01-01T00:01:00.000Z'),
        'c2s a-1 {"type":"auth_refresh","token":"<redacted>"}',
        's2c a-1 {"type":"error_message","error_code":"TOKEN_EXPIRED"}',
        'c2s a-1 {"type":"auth_refresh","token":"<redacted>"}',
        's2c a-1 {"type":"error_message","error_code":"AUTH_USER_MISMATCH"}',
        'close a-1 1008 server',
        'open mallory-2 null',
        's2c mallory-2 {"type":"error_message","error_code":"TOKEN_WRONG_TYPE"}',
        'close mallory-2 1008 server',
        'open x-1 null',
        'close x-1 1006 server',
      ),
    );
    // 1.000 s left at connection time: the token was issued for 1 or 2 s (iat is whole seconds); never shorter live.
    expect(plan.conns.get('a-1')?.token).toEqual({ kind: 'valid', ttlS: 2 });
    expect(plan.conns.get('mallory-2')).toMatchObject({ actor: 'mallory', token: { kind: 'wrong_type' } });
    expect(plan.conns.get('x-1')).toMatchObject({ actor: 'x', token: { kind: 'bad_signature' } });
    expect([...plan.refreshTokens.values()]).toEqual([{ kind: 'expired' }, { kind: 'valid', asOtherUser: true }]);
    expect(plan.actions.get('alice')?.map((a) => a.kind)).toEqual(['open', 'send', 'send']);
    // The second refresh waits until the live connection got as far as the first refusal.
    expect(plan.actions.get('alice')?.[2].gates).toEqual([
      { conn: 'a-1', anchor: { kind: 'answer', count: 2, line: 5 } },
    ]);
  });
});

describe('replay detects a changed recording', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'netra-replay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('in memory: a recording whose tool was renamed no longer matches in strict shape; the contract does not care', async () => {
    const original = readFileSync(path.join(SESSIONS_DIR, 'multi-tool.session.jsonl'), 'utf8');
    const tool = /"tool_name":"([a-z_]+)"/.exec(original)?.[1] as string;
    const edited = original.replace(new RegExp(`"tool_name":"${tool}"`, 'g'), '"tool_name":"renamed_tool"');
    expect(edited).not.toBe(original);
    const embedded = await startEmbeddedTarget({ provider: RECORDING_PROVIDER_OPTIONS });
    try {
      const recording = parseSessionText(edited, 'edited-multi-tool.session.jsonl');
      const [strict, contract] = await Promise.all([
        replaySession(recording, { target: embedded.target, profile: 'ci', shape: 'strict' }),
        replaySession(recording, { target: embedded.target, profile: 'ci' }),
      ]);
      expect(strict.ok).toBe(false);
      expect(strict.violations).toEqual([]);
      expect(strict.differences).toEqual([
        expect.objectContaining({
          where: 'run priya/priya-optimise',
          what: 'events',
          expected: expect.stringContaining('renamed_tool:success'),
          actual: expect.stringContaining(`${tool}:success`),
        }),
      ]);
      expect(contract).toMatchObject({ ok: true, shape: 'contract', differences: [], violations: [], problems: [] });
    } finally {
      await embedded.close();
    }
  }, 60_000);

  it('through the CLI: exit 0 for the recording, 1 with the difference for an edited one', async () => {
    const run = promisify(execFile);
    const cli = async (...args: string[]): Promise<{ code: number; stdout: string }> => {
      try {
        const { stdout } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: 60_000 });
        return { code: 0, stdout };
      } catch (err) {
        const e = err as { code?: number; stdout?: string };
        return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '' };
      }
    };
    const file = path.join(SESSIONS_DIR, 'agent-error.session.jsonl');
    const edited = path.join(dir, 'agent-error.session.jsonl');
    writeFileSync(edited, readFileSync(file, 'utf8').replace('"code":"INVALID_WORKLOAD"', '"code":"TOOL_FAILED"'));
    expect((await readSession(edited)).records.length).toBeGreaterThan(0);
    // Three independent CLI processes, each with its own embedded provider: at once.
    const [good, bad, contract] = await Promise.all([
      cli('replay', file, '--profile', 'ci', '--shape', 'strict'),
      cli('replay', edited, '--profile', 'ci', '--shape', 'strict'),
      cli('replay', edited, '--profile', 'ci'),
    ]);
    expect(good).toEqual({
      code: 0,
      stdout: expect.stringMatching(/agent-error\.session\.jsonl against the embedded reference provider: ok/),
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /FAILED\n {2}shape {2}run ivan\/ivan-mystery: events: expected .*agent_error:TOOL_FAILED; got .*agent_error:INVALID_WORKLOAD/,
    );
    // Which agent_error code a run ends with is the provider's: the default (contract) replay does not compare it.
    expect(contract).toEqual({ code: 0, stdout: expect.stringMatching(/ok \(.*what the contract fixes matches\)/) });
  }, 90_000);
});
