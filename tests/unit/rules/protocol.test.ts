import { check } from './check-helper';
import { RunBuilder, SessionBuilder, errorMessage, established, happyRun } from './session-builder';

const run = (requestId = 'req-1') => new RunBuilder({ runId: 'run_alice000001', user: 'alice', requestId });
const TOKEN = '<redacted>';

describe('protocol.connection-established-first', () => {
  it('flags a run event before connection_established, and a second connection_established', () => {
    const b = new SessionBuilder().open('tab1', 'alice', 0);
    const r = run();
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', r.started(130), 130);
    b.s2c('tab1', established('tab1', 'alice', 140), 140);
    b.s2c('tab1', r.completed(300), 300);
    b.close('tab1', 1000, 'client', 400);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.connection-established-first']);
    expect(c.of('protocol.connection-established-first').map((v) => v.line)).toEqual([4, 5]);
  });

  it('nothing may follow a refusal of the connection', () => {
    const b = new SessionBuilder().open('c', null, 0);
    b.s2c('c', errorMessage('SERVER_DRAINING', 'Draining.', 5), 5);
    b.s2c('c', errorMessage('INTERNAL_ERROR', 'Oops.', 6), 6);
    b.close('c', 1013, 'server', 7);
    expect(check(b).rules).toEqual(['protocol.connection-established-first']);
  });
});

describe('protocol.auth-failure-closes-1008', () => {
  const refused = (close: (b: SessionBuilder) => void) => {
    const b = new SessionBuilder().open('c', null, 0).s2c('c', errorMessage('TOKEN_EXPIRED', 'Expired.', 5), 5);
    close(b);
    return check(b);
  };

  it('an auth failure then close 1008 holds; another close code, or no close, does not', () => {
    expect(refused((b) => b.close('c', 1008, 'server', 6)).rules).toEqual([]);
    const wrongCode = refused((b) => b.close('c', 1011, 'server', 6));
    expect(wrongCode.rules).toEqual(['protocol.auth-failure-closes-1008']);
    expect(wrongCode.violations[0].message).toBe(
      'conn c: expected close 1008 after TOKEN_EXPIRED (line 3), got close 1011 by server',
    );
    const open = refused(() => undefined);
    expect(open.violations[0]).toMatchObject({ line: 3, message: expect.stringMatching(/stayed open to the end/) });
  });

  it('a refused auth_refresh keeps the connection; TOKEN_EXPIRED later must close it', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    b.c2s('tab1', { type: 'auth_refresh', token: TOKEN }, 100);
    b.s2c('tab1', errorMessage('TOKEN_INVALID', 'Bad token.', 101), 101);
    const t = happyRun(b, run(), ['tab1'], 200);
    b.s2c('tab1', errorMessage('TOKEN_EXPIRED', 'Expired.', t + 10), t + 10);
    b.s2c('tab1', errorMessage('INTERNAL_ERROR', 'Late.', t + 11), t + 11);
    b.close('tab1', 1008, 'server', t + 12);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.auth-failure-closes-1008']);
    expect(c.violations[0].message).toMatch(/expected close 1008 after TOKEN_EXPIRED \(line \d+\), got error_message/);
  });

  it('AUTH_USER_MISMATCH closes even when it answers an auth_refresh; a bare close 1008 is flagged', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0).connect('tab2', 'alice', 0);
    b.c2s('tab1', { type: 'auth_refresh', token: TOKEN }, 100);
    b.s2c('tab1', errorMessage('AUTH_USER_MISMATCH', 'Another user.', 101), 101);
    b.close('tab2', 1008, 'server', 150);
    b.close('tab1', 1000, 'client', 200);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.auth-failure-closes-1008']);
    expect(c.violations.map((v) => v.conn)).toEqual(['tab2', 'tab1']);
  });
});

describe('protocol.rejection-answered', () => {
  it('invalid frames answered in order, with the request_id when they had one', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    b.raw('tab1', 'c2s', 'hello?', 100);
    b.c2s('tab1', { type: 'start_agent', request_id: 'req-x', text: 'typo' }, 101);
    b.c2s('tab1', { type: 'dance' }, 102);
    b.s2c('tab1', errorMessage('INVALID_JSON', 'Not JSON.', 103), 103);
    b.s2c('tab1', errorMessage('SCHEMA_VALIDATION_FAILED', 'Bad start_agent.', 104, { request_id: 'req-x' }), 104);
    b.s2c('tab1', errorMessage('UNKNOWN_MESSAGE_TYPE', 'Unknown type.', 105), 105);
    b.close('tab1', 1000, 'client', 2000);
    const c = check(b);
    expect(c.violations).toEqual([]);
    expect(c.rules).toEqual(['schema.client-message']);
    expect(c.warnings).toHaveLength(3);
  });

  it('an answer without the request_id does not answer a frame that had one', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    b.c2s('tab1', { type: 'start_agent', request_id: 'req-x', text: 'typo' }, 100);
    b.s2c('tab1', errorMessage('SCHEMA_VALIDATION_FAILED', 'Bad.', 101), 101);
    b.close('tab1', 1000, 'client', 2000);
    const c = check(b);
    expect(c.violations.map((v) => [v.rule, v.line])).toEqual([['protocol.rejection-answered', 4]]);
    expect(c.violations[0].message).toMatch(
      /expected error_message answering the invalid start_agent at line 4 with request_id req-x, got no answer before the close by the client/,
    );
  });

  it('a frame the server could not read is answered without its request_id (FRAME_TOO_LARGE)', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    b.c2s('tab1', { type: 'start_agent', request_id: 'req-big', user_request: 'x'.repeat(9000) }, 100);
    b.s2c('tab1', errorMessage('FRAME_TOO_LARGE', 'Frame over 65536 bytes.', 101), 101);
    b.close('tab1', 1000, 'client', 2000);
    expect(check(b).violations).toEqual([]);
  });

  it('excused: a frame sent just before the client closed, and one the server answered by closing', () => {
    const b = new SessionBuilder().connect('t1', 'alice', 0).connect('t2', 'alice', 0);
    b.raw('t1', 'c2s', 'bye?', 100).close('t1', 1000, 'client', 150);
    b.raw('t2', 'c2s', 'x'.repeat(100), 100).close('t2', 1009, 'server', 5000, 'frame too large');
    expect(check(b).violations).toEqual([]);
  });
});

describe('protocol.start-answered and protocol.run-ends', () => {
  it('a start refused with error_message(request_id) is answered', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    b.c2s('tab1', run('req-9').startAgent(), 100);
    b.s2c('tab1', errorMessage('SERVER_DRAINING', 'Draining.', 101, { request_id: 'req-9' }), 101);
    b.close('tab1', 1000, 'client', 200);
    expect(check(b).rules).toEqual([]);
  });

  it('an unanswered start is flagged when its connection stayed to the end, not when it left', () => {
    const stayed = new SessionBuilder()
      .connect('tab1', 'alice', 0)
      .c2s('tab1', run().startAgent(), 100)
      .close('tab1', 1000, 'client', 200);
    expect(check(stayed).rules).toEqual(['protocol.start-answered']);
    const left = new SessionBuilder().connect('tab1', 'alice', 0).connect('tab2', 'alice', 0);
    left.c2s('tab1', run().startAgent(), 100).close('tab1', 1000, 'client', 101);
    left.s2c('tab2', errorMessage('INTERNAL_ERROR', 'Unrelated.', 300), 300).close('tab2', 1000, 'client', 400);
    expect(check(left).rules).toEqual([]);
  });

  it('a run whose user went away without resuming is unobserved, not missing', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0).connect('bob', 'bob', 0);
    const r = run();
    b.c2s('tab1', r.startAgent(), 100).s2c('tab1', r.started(130), 130);
    b.close('tab1', 1000, 'client', 200, 'tab closed');
    b.connect('tab2', 'alice', 5000); // back later, but never resumed and the run had ended meanwhile
    b.s2c('bob', errorMessage('INTERNAL_ERROR', 'Unrelated.', 6000), 6000);
    b.close('tab2', 1000, 'client', 7000).close('bob', 1000, 'client', 7001);
    const c = check(b);
    expect(c.rules).toEqual([]);
    expect(c.report.stats).toMatchObject({ runs: 1, unobservedRuns: 1 });
  });

  it('protocol.run-ends: a run the user resumed (or listened to till the end) that never ends', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    const r = run();
    b.c2s('tab1', r.startAgent(), 100).s2c('tab1', r.started(130), 130);
    b.close('tab1', 1006, 'client', 200, 'network lost');
    b.connect('tab2', 'alice', 5000);
    b.c2s('tab2', { type: 'resume', run_id: r.runId, last_seq: 1 }, 5015);
    b.s2c('tab2', r.thinking(5020), 5020);
    b.close('tab2', 1000, 'client', 7000);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.run-ends']);
    expect(c.violations[0]).toMatchObject({ conn: 'tab2', line: 10 });
    expect(c.report.stats?.unobservedRuns).toBe(0);
  });

  it('a refused resume (FORBIDDEN) does not make the user a listener of that run', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    const r = run();
    b.c2s('tab1', r.startAgent(), 100).s2c('tab1', r.started(130), 130);
    b.close('tab1', 1006, 'client', 200, 'network lost');
    b.connect('tab2', 'alice', 5000);
    b.c2s('tab2', { type: 'resume', run_id: r.runId, last_seq: 1, request_id: 'req-r' }, 5015);
    b.s2c('tab2', errorMessage('FORBIDDEN', 'No such run.', 5016, { request_id: 'req-r' }), 5016);
    b.close('tab2', 1000, 'client', 7000);
    expect(check(b).rules).toEqual([]);
  });
});
