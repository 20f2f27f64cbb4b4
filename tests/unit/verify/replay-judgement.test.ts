// Pure parts of replay and the live client: what the contract fixes (contractDifferences), client actions anchored
// on protocol events rather than seq positions (planReplay), resume from the last contiguous seq (HeldSeqs).
import { parseSessionText } from '../../../src/sessions';
import { HeldSeqs } from '../../../src/verify/client';
import { contractDifferences, planReplay, SAME_IDS } from '../../../src/verify/replay';

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
  `s2c a-1 ${JSON.stringify({ type, run_id: 'run_abcdef', seq, ...extra })}`;
const open = 'open a-1 alice';
const established = 's2c a-1 {"type":"connection_established"}';

describe('contractDifferences', () => {
  const reference = session(
    open,
    established,
    'c2s a-1 {"type":"start_agent","request_id":"q1","user_request":"x"}',
    ev(1, 'agent_started', { request_id: 'q1', agent_name: 'cost_optimizer' }),
    ev(2, 'agent_thinking'),
    ev(3, 'tool_executing', { tool_name: 'cost_analyzer' }),
    ev(4, 'tool_completed', { tool_name: 'cost_analyzer' }),
    ev(5, 'agent_completed', { status: 'success' }),
    'close a-1 1000 client',
  );

  it('ignores what the contract leaves to the provider: agent, tools, their number and order, thoughts', () => {
    const other = session(
      open,
      established,
      'c2s a-1 {"type":"start_agent","request_id":"q1","user_request":"x"}',
      ev(1, 'agent_started', { request_id: 'q1', agent_name: 'budget_advisor' }),
      ev(2, 'agent_thinking'),
      ev(3, 'agent_thinking'),
      ev(4, 'tool_executing', { tool_name: 'price_lookup' }),
      ev(5, 'tool_executing', { tool_name: 'usage_profiler' }),
      ev(6, 'tool_completed', { tool_name: 'usage_profiler' }),
      ev(7, 'tool_completed', { tool_name: 'price_lookup' }),
      ev(8, 'agent_completed', { status: 'partial' }),
      'close a-1 1000 client',
    );
    expect(contractDifferences(reference, other, SAME_IDS)).toEqual([]);
  });

  it('finds what the contract fixes: the kind of terminal, a missing run, a token accepted against the recording', () => {
    const failed = session(
      open,
      established,
      ev(1, 'agent_started', { request_id: 'q1' }),
      ev(2, 'agent_error', { code: 'AGENT_FAILED' }),
      'close a-1 1000 client',
    );
    expect(contractDifferences(reference, failed, SAME_IDS)).toEqual([
      { where: 'run alice/q1', what: 'end', expected: 'agent_completed', actual: 'agent_error' },
    ]);
    const nothing = session(open, established, 'close a-1 1000 client');
    expect(contractDifferences(reference, nothing, SAME_IDS).map((d) => d.what)).toEqual(['run']);
    const refused = session(
      'open a-1 null',
      's2c a-1 {"type":"error_message","error_code":"TOKEN_INVALID"}',
      'close a-1 1008 server',
    );
    const accepted = session(open, established, 'close a-1 1000 client');
    expect(contractDifferences(refused, accepted, SAME_IDS).map((d) => d.what)).toEqual(['token', 'answers', 'close']);
  });

  it('compares auth refusal codes as one (the provider chooses) and every other code exactly', () => {
    const refusal = (code: string): ReturnType<typeof session> =>
      session('open a-1 null', `s2c a-1 {"type":"error_message","error_code":"${code}"}`, 'close a-1 1008 server');
    expect(contractDifferences(refusal('TOKEN_WRONG_TYPE'), refusal('TOKEN_INVALID'), SAME_IDS)).toEqual([]);
    const answered = (code: string): ReturnType<typeof session> =>
      session(
        open,
        established,
        'c2s a-1 {"type":"resume","run_id":"run_zzzzzz","last_seq":0}',
        `s2c a-1 {"type":"error_message","error_code":"${code}"}`,
        'close a-1 1000 client',
      );
    expect(contractDifferences(answered('FORBIDDEN'), answered('RUN_NOT_ACTIVE'), SAME_IDS)).toEqual([
      {
        where: 'conn a-1',
        what: 'answers',
        expected: 'connection_established, error_message:FORBIDDEN',
        actual: 'connection_established, error_message:RUN_NOT_ACTIVE',
      },
    ]);
  });

  it('accepts a cancel that raced the end of the run: completed, and the cancel refused with RUN_NOT_ACTIVE', () => {
    const start = [
      'c2s a-1 {"type":"start_agent","request_id":"q1","user_request":"x"}',
      ev(1, 'agent_started', { request_id: 'q1' }),
    ];
    const cancelled = session(
      open,
      established,
      ...start,
      'c2s a-1 {"type":"cancel_run","run_id":"run_abcdef"}',
      ev(2, 'agent_completed', { status: 'cancelled' }),
      'close a-1 1000 client',
    );
    const raced = session(
      open,
      established,
      ...start,
      ev(2, 'agent_completed', { status: 'success' }),
      'c2s a-1 {"type":"cancel_run","run_id":"run_abcdef"}',
      's2c a-1 {"type":"error_message","error_code":"RUN_NOT_ACTIVE"}',
      'close a-1 1000 client',
    );
    expect(contractDifferences(cancelled, raced, SAME_IDS)).toEqual([]);
    const ignored = session(
      open,
      established,
      ...start,
      'c2s a-1 {"type":"cancel_run","run_id":"run_abcdef"}',
      ev(2, 'agent_completed', { status: 'success' }),
      'close a-1 1000 client',
    );
    expect(contractDifferences(cancelled, ignored, SAME_IDS)).toEqual([
      { where: 'run alice/q1', what: 'end', expected: 'agent_completed:cancelled', actual: 'agent_completed' },
    ]);
  });
});

describe('planReplay anchors client actions on protocol events, never on seq positions', () => {
  it("waits for the run's first tool call before the recorded cancel, and for the answer before the next frame", () => {
    const plan = planReplay(
      session(
        open,
        established,
        'c2s a-1 {"type":"start_agent","request_id":"q1","user_request":"x"}',
        ev(1, 'agent_started', { request_id: 'q1' }),
        ev(2, 'agent_thinking'),
        ev(3, 'agent_thinking'),
        ev(4, 'tool_executing'),
        'c2s a-1 {"type":"cancel_run","run_id":"run_abcdef"}',
        ev(5, 'agent_completed', { status: 'cancelled' }),
        'close a-1 1000 client',
      ),
    );
    const [, start, cancel, close] = plan.actions.get('alice') ?? [];
    expect(start.gates).toEqual([{ conn: 'a-1', anchor: { kind: 'answer', count: 1, line: 3 } }]);
    expect(cancel.gates).toEqual([
      { conn: 'a-1', anchor: { kind: 'event', runId: 'run_abcdef', type: 'tool_executing', count: 1, line: 8 } },
    ]);
    expect(close.gates[0].anchor).toMatchObject({ kind: 'event', type: 'agent_completed', count: 1 });
  });

  it('takes the token kind a connection presented from its open record', () => {
    const text = [
      HEADER,
      '{"kind":"open","t":1,"conn":"alf-1","user":null,"token_kind":"alg_none"}',
      '{"kind":"close","t":2,"conn":"alf-1","code":1008,"reason":"","by":"server"}',
    ].join('\n');
    expect(planReplay(parseSessionText(text)).conns.get('alf-1')?.token).toEqual({ kind: 'alg_none' });
  });
});

describe('HeldSeqs', () => {
  it('resumes from the last contiguous seq, per user and run', () => {
    const held = new HeldSeqs();
    for (const seq of [1, 2, 4, 5]) held.add('alice', 'run_a', seq);
    held.add('bob', 'run_a', 1);
    expect([held.contiguous('alice', 'run_a'), held.highest('alice', 'run_a')]).toEqual([2, 5]);
    held.add('alice', 'run_a', 3);
    expect(held.contiguous('alice', 'run_a')).toBe(5);
    expect([held.contiguous('bob', 'run_a'), held.contiguous('carol', 'run_a')]).toEqual([1, 0]);
  });
});

describe('planReplay without token_expires_at', () => {
  it('gives a connection whose token expired in the recording the shortest lifetime live', () => {
    const plan = planReplay(
      session(
        'open k-1 kai',
        's2c k-1 {"type":"connection_established"}',
        's2c k-1 {"type":"error_message","error_code":"TOKEN_EXPIRED"}',
        'close k-1 1008 server',
      ),
    );
    expect(plan.conns.get('k-1')?.token).toEqual({ kind: 'valid', ttlS: 1 });
  });
});

describe('planReplay of auth_refresh', () => {
  it("takes an error_message as the refresh's answer only before the client's next frame", () => {
    const plan = planReplay(
      session(
        open,
        established,
        'c2s a-1 {"type":"auth_refresh","token":"<redacted>"}',
        'c2s a-1 {"type":"cancel_run","run_id":"run_abcdef"}',
        's2c a-1 {"type":"error_message","error_code":"RUN_NOT_ACTIVE"}',
        'close a-1 1000 client',
      ),
    );
    expect([...plan.refreshTokens]).toEqual([]);
  });
});
