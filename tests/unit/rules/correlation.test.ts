import { check } from './check-helper';
import { RunBuilder, SessionBuilder, happyRun } from './session-builder';

const one = () => new SessionBuilder().connect('tab1', 'alice', 0);

describe('correlation.*', () => {
  // Before: agent_name had to stay the same on every event of a run. The spec makes it a preference; a provider whose
  // supervisor hands the run to a specialist agent mid-way keeps the contract.
  it('correlation.run-fields-constant: agent_name may change mid-run (a hand-off); thread_id may not', () => {
    const b = one();
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice', agentName: 'supervisor' });
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', r.started(130), 130);
    b.s2c('tab1', { ...r.thinking(200), agent_name: 'data_sub_agent' }, 200);
    b.s2c('tab1', { ...r.completed(300), agent_name: 'data_sub_agent' }, 300);
    b.close('tab1', 1000, 'client', 400);
    expect(check(b).rules).toEqual([]);
    const moved = one();
    const m = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
    moved.c2s('tab1', m.startAgent(), 100);
    moved.s2c('tab1', m.started(130), 130);
    moved.s2c('tab1', { ...m.thinking(200), thread_id: 'thr_elsewhere1' }, 200);
    moved.s2c('tab1', m.completed(300), 300);
    moved.close('tab1', 1000, 'client', 400);
    const c = check(moved);
    expect(c.rules).toEqual(['correlation.run-fields-constant']);
    expect(c.of('correlation.run-fields-constant')[0].message).toBe(
      'run run_alice000001: expected thread_id thr_alice000001 (as on its first event), got thr_elsewhere1',
    );
  });

  it('correlation.request-id-matches-start: the run still answers the waiting start_agent', () => {
    const b = one();
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice', requestId: 'req-1' });
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', { ...r.started(130), request_id: 'req-other' }, 130);
    b.s2c('tab1', r.completed(300), 300);
    b.close('tab1', 1000, 'client', 400);
    const c = check(b);
    expect(c.rules).toEqual(['correlation.request-id-matches-start']);
    expect(c.of('correlation.request-id-matches-start')[0].message).toMatch(
      /expected request_id req-1 \(the start_agent at line 4\), got req-other/,
    );
  });

  it('two starts in flight may be answered in any order', () => {
    const b = one();
    const r1 = new RunBuilder({ runId: 'run_alice000001', user: 'alice', requestId: 'req-1' });
    const r2 = new RunBuilder({ runId: 'run_alice000002', user: 'alice', requestId: 'req-2' });
    b.c2s('tab1', r1.startAgent(), 100).c2s('tab1', r2.startAgent(), 101);
    b.s2c('tab1', r2.started(130), 130).s2c('tab1', r1.started(140), 140);
    b.s2c('tab1', r2.completed(300), 300).s2c('tab1', r1.completed(310), 310);
    b.close('tab1', 1000, 'client', 400);
    expect(check(b).rules).toEqual([]);
  });

  it('correlation.tool-pair-names-match', () => {
    const b = one();
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', r.started(130), 130);
    b.s2c('tab1', r.toolExecuting(200, 'call_1', 'cost_analyzer'), 200);
    b.s2c('tab1', r.toolCompleted(300, 'call_1', 'price_lookup'), 300);
    b.s2c('tab1', r.completed(400), 400);
    b.close('tab1', 1000, 'client', 500);
    const c = check(b);
    expect(c.rules).toEqual(['correlation.tool-pair-names-match']);
    expect(c.of('correlation.tool-pair-names-match')[0].message).toBe(
      'run run_alice000001: call_1 opened with tool_name cost_analyzer, closed with price_lookup',
    );
  });

  it('a happy run has nothing to correlate wrongly', () => {
    const b = one();
    b.close(
      'tab1',
      1000,
      'client',
      happyRun(b, new RunBuilder({ runId: 'run_alice000001', user: 'alice' }), ['tab1'], 100),
    );
    expect(check(b).rules).toEqual([]);
  });
});
