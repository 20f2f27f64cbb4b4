// The per-user limits of the spec (x-netra-limits: 5 connections, 10 concurrent runs), judged for any provider:
// refusals only past a limit, no acceptance past it, races given the benefit of the doubt.
import { loadProtocol } from '../../../src/protocol';
import { check } from './check-helper';
import { RunBuilder, SessionBuilder, errorMessage, established } from './session-builder';

const { limits } = loadProtocol();
const MAX_CONNS = limits.max_connections_per_user;
const MAX_RUNS = limits.max_concurrent_runs_per_user;
const tabs = (n: number): string[] => Array.from({ length: n }, (_, i) => `alice-${i + 1}`);

/** alice's tabs, each opened 10 ms after the previous. */
function withTabs(n: number): SessionBuilder {
  const b = new SessionBuilder();
  tabs(n).forEach((conn, i) => b.connect(conn, 'alice', i * 10));
  return b;
}

/** A connection of alice refused with TOO_MANY_CONNECTIONS then closed 1008, as the spec says. */
function refusedTab(b: SessionBuilder, conn: string, t: number): SessionBuilder {
  b.open(conn, 'alice', t).s2c(conn, errorMessage('TOO_MANY_CONNECTIONS', 'Too many connections.', t + 3), t + 3);
  return b.close(conn, 1008, 'server', t + 4);
}

const closeAll = (b: SessionBuilder, conns: string[], t: number) =>
  conns.forEach((conn, i) => b.close(conn, 1000, 'client', t + i));

describe('protocol.connection-refusal-justified / protocol.connection-limit-enforced', () => {
  it('the spec declares the limits the rules read', () => {
    expect(MAX_CONNS).toBe(5);
    expect(MAX_RUNS).toBe(10);
  });

  it(`a connection past ${MAX_CONNS} refused with TOO_MANY_CONNECTIONS and 1008 holds every rule`, () => {
    const b = refusedTab(withTabs(MAX_CONNS), 'alice-extra', 500);
    closeAll(b, tabs(MAX_CONNS), 1000);
    expect(check(b).rules).toEqual([]);
  });

  it('a refusal while the user holds fewer connections is unjustified', () => {
    const b = refusedTab(withTabs(2), 'alice-3', 500);
    closeAll(b, tabs(2), 1000);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.connection-refusal-justified']);
    expect(c.violations[0]).toMatchObject({
      conn: 'alice-3',
      message:
        'conn alice-3 of alice: expected TOO_MANY_CONNECTIONS only past 5 connections, got it while the user held 2 of 5',
    });
  });

  it('a connection closed just before (within limit_grace_ms) may still have been counted: the refusal stands', () => {
    const racing = withTabs(MAX_CONNS).close('alice-1', 1000, 'client', 495);
    refusedTab(racing, 'alice-extra', 500);
    closeAll(racing, tabs(MAX_CONNS).slice(1), 1000);
    expect(check(racing).rules).toEqual([]);
    const stale = withTabs(MAX_CONNS).close('alice-1', 1000, 'client', 100);
    refusedTab(stale, 'alice-extra', 2000);
    closeAll(stale, tabs(MAX_CONNS).slice(1), 3000);
    expect(check(stale).rules).toEqual(['protocol.connection-refusal-justified']);
  });

  it('a refused connection whose user is unknown is not judged', () => {
    const b = new SessionBuilder().connect('alice-1', 'alice', 0).open('x', null, 50);
    b.s2c('x', errorMessage('TOO_MANY_CONNECTIONS', 'Too many.', 53), 53).close('x', 1008, 'server', 54);
    b.close('alice-1', 1000, 'client', 100);
    expect(check(b).rules).toEqual([]);
  });

  it(`a connection past ${MAX_CONNS} that is accepted breaks the limit`, () => {
    const b = withTabs(MAX_CONNS + 1);
    closeAll(b, tabs(MAX_CONNS + 1), 1000);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.connection-limit-enforced']);
    expect(c.violations[0]).toMatchObject({
      conn: 'alice-6',
      message:
        'conn alice-6: expected TOO_MANY_CONNECTIONS and close for a connection past 5, got connection_established on conn alice-6 while alice held 5 (limit 5)',
    });
  });

  it('a new tab after one closed, or while one was closing (within the grace), is fine', () => {
    const after = withTabs(MAX_CONNS).close('alice-1', 1000, 'client', 300).connect('alice-6', 'alice', 400);
    closeAll(after, tabs(MAX_CONNS + 1).slice(1), 1000);
    expect(check(after).rules).toEqual([]);
    const closing = withTabs(MAX_CONNS).connect('alice-6', 'alice', 400).close('alice-1', 1000, 'client', 420);
    closeAll(closing, tabs(MAX_CONNS + 1).slice(1), 1000);
    expect(check(closing).rules).toEqual([]);
  });

  it("another user's connections do not count", () => {
    const b = withTabs(MAX_CONNS).connect('bob-1', 'bob', 100);
    closeAll(b, [...tabs(MAX_CONNS), 'bob-1'], 1000);
    expect(check(b).rules).toEqual([]);
  });
});

/** `n` runs of alice on one tab, started 20 ms apart from t0; each ends at `end(i)` (or never). */
function runs(b: SessionBuilder, n: number, t0: number, end: (i: number) => number | undefined, first = 0) {
  const builders = Array.from({ length: n }, (_, k) => {
    const i = first + k;
    return new RunBuilder({ runId: `run_alice${String(i).padStart(6, '0')}`, user: 'alice', requestId: `req-${i}` });
  });
  builders.forEach((r, k) => {
    const t = t0 + k * 20;
    b.c2s('alice-1', r.startAgent(), t).s2c('alice-1', r.started(t + 5), t + 5);
  });
  builders.forEach((r, k) => {
    const t = end(first + k);
    if (t !== undefined) b.s2c('alice-1', r.completed(t), t);
  });
  return builders;
}

describe('protocol.run-refusal-justified / protocol.run-limit-enforced / protocol.refused-start-starts-nothing', () => {
  const oneTab = () => new SessionBuilder().connect('alice-1', 'alice', 0);

  it(`an 11th start refused with TOO_MANY_RUNS while ${MAX_RUNS} run holds every rule`, () => {
    const b = oneTab();
    runs(b, MAX_RUNS, 100, (i) => 2000 + i * 10);
    b.c2s('alice-1', { type: 'start_agent', request_id: 'req-x', user_request: 'One more.' }, 500);
    b.s2c('alice-1', errorMessage('TOO_MANY_RUNS', 'Too many runs.', 502, { request_id: 'req-x' }), 502);
    b.close('alice-1', 1000, 'client', 3000);
    expect(check(b).rules).toEqual([]);
  });

  it('TOO_MANY_RUNS with only two runs going is unjustified', () => {
    const b = oneTab();
    runs(b, 2, 100, (i) => 2000 + i * 10);
    b.c2s('alice-1', { type: 'start_agent', request_id: 'req-x', user_request: 'One more.' }, 500);
    b.s2c('alice-1', errorMessage('TOO_MANY_RUNS', 'Too many runs.', 502, { request_id: 'req-x' }), 502);
    b.close('alice-1', 1000, 'client', 3000);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.run-refusal-justified']);
    expect(c.violations[0].message).toBe(
      'conn alice-1: expected TOO_MANY_RUNS only with 10 runs going, got it with 2 of 10 runs going',
    );
  });

  it('a run the server started just before the refusal counts even when its events arrive after it', () => {
    const b = oneTab();
    runs(b, MAX_RUNS - 1, 100, (i) => 2000 + i * 10);
    const late = new RunBuilder({ runId: 'run_alicelate01', user: 'alice', requestId: 'req-late' });
    b.c2s('alice-1', late.startAgent(), 480);
    b.c2s('alice-1', { type: 'start_agent', request_id: 'req-x', user_request: 'One more.' }, 490);
    b.s2c('alice-1', errorMessage('TOO_MANY_RUNS', 'Too many runs.', 502, { request_id: 'req-x' }), 502);
    b.s2c('alice-1', late.started(495), 510); // stamped 495 on the server's clock, delivered at 510 (paced)
    b.s2c('alice-1', late.completed(2500), 2500);
    b.close('alice-1', 1000, 'client', 3000);
    expect(check(b).rules).toEqual([]);
  });

  it(`an 11th run going at once breaks the limit; one started after another ended does not`, () => {
    const over = oneTab();
    runs(over, MAX_RUNS + 1, 100, (i) => 2000 + i * 10);
    over.close('alice-1', 1000, 'client', 3000);
    const c = check(over);
    expect(c.rules).toEqual(['protocol.run-limit-enforced']);
    expect(c.violations[0]).toMatchObject({
      run_id: 'run_alice000010',
      message: expect.stringMatching(
        /^run run_alice000010: expected TOO_MANY_RUNS for a start past 10 runs going, got run run_alice000010 started while alice had 10 going/,
      ),
    });
    const turnover = oneTab();
    runs(turnover, MAX_RUNS, 100, (i) => (i === 0 ? 300 : 2000 + i * 10));
    runs(turnover, 1, 400, () => 2500, MAX_RUNS);
    turnover.close('alice-1', 1000, 'client', 3000);
    expect(check(turnover).rules).toEqual([]);
  });

  // The check clears a start without walking the user's runs when too few are unended and none ended after it; these
  // two sessions differ only in WHEN (server clock) one run ended, which that shortcut must not ignore.
  it('a run whose terminal arrived before the 11th start but is stamped after it still counts as going', () => {
    const session = (endStamp: number): SessionBuilder => {
      const b = oneTab();
      const all = runs(b, MAX_RUNS, 100, () => undefined);
      b.s2c('alice-1', all[0].completed(endStamp), 390); // delivered at 390, before the 11th start
      const eleventh = runs(b, 1, 400, () => undefined, MAX_RUNS)[0];
      all.slice(1).forEach((r, k) => b.s2c('alice-1', r.completed(2000 + k * 10), 2000 + k * 10));
      b.s2c('alice-1', eleventh.completed(2500), 2500);
      return b.close('alice-1', 1000, 'client', 3000);
    };
    expect(check(session(380)).rules).toEqual([]); // ended before the 11th started: 10 going at most
    expect(check(session(2600)).rules).toEqual(['protocol.run-limit-enforced']); // ended long after it started
  });

  it('a refused start_agent starts nothing, unless the client sends its request_id again', () => {
    const b = oneTab();
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice', requestId: 'req-1' });
    b.c2s('alice-1', r.startAgent(), 100);
    b.s2c('alice-1', errorMessage('SERVER_DRAINING', 'Draining.', 101, { request_id: 'req-1' }), 101);
    b.s2c('alice-1', r.started(150), 150).s2c('alice-1', r.completed(400), 400);
    b.close('alice-1', 1000, 'client', 500);
    const c = check(b);
    expect(c.rules).toEqual(['protocol.refused-start-starts-nothing']);
    expect(c.violations[0].message).toBe(
      'run run_alice000001: expected no run for req-1, refused at line 5 (SERVER_DRAINING), got run run_alice000001 started by it',
    );
    const retried = oneTab();
    const again = new RunBuilder({ runId: 'run_alice000001', user: 'alice', requestId: 'req-1' });
    retried.c2s('alice-1', again.startAgent(), 100);
    retried.s2c('alice-1', errorMessage('SERVER_DRAINING', 'Draining.', 101, { request_id: 'req-1' }), 101);
    retried.c2s('alice-1', again.startAgent(), 140);
    retried.s2c('alice-1', again.started(150), 150).s2c('alice-1', again.completed(400), 400);
    retried.close('alice-1', 1000, 'client', 500);
    expect(check(retried).rules).toEqual([]);
  });

  it('DUPLICATE_REQUEST names the run the request started: resuming it is fine', () => {
    const b = new SessionBuilder().connect('alice-1', 'alice', 0);
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice', requestId: 'req-1' });
    b.c2s('alice-1', r.startAgent(), 100);
    const started = r.started(130);
    b.close('alice-1', 1006, 'client', 120); // lost before agent_started arrived
    b.open('alice-2', 'alice', 200).s2c('alice-2', established('alice-2', 'alice', 205), 205);
    b.c2s('alice-2', r.startAgent(), 210);
    b.s2c(
      'alice-2',
      errorMessage('DUPLICATE_REQUEST', 'Already started.', 212, { request_id: 'req-1', run_id: r.runId }),
      212,
    );
    b.c2s('alice-2', { type: 'resume', run_id: r.runId, last_seq: 0 }, 220);
    b.s2c('alice-2', started, 225).s2c('alice-2', r.completed(400), 400);
    b.close('alice-2', 1000, 'client', 500);
    expect(check(b).rules).toEqual([]);
  });
});
