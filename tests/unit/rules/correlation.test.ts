import { check } from './check-helper';
import { RunBuilder, SessionBuilder, happyRun } from './session-builder';

const one = () => new SessionBuilder().connect('tab1', 'alice', 0);

describe('correlation.*', () => {
  it('correlation.run-fields-constant: agent_name changes mid-run', () => {
    const b = one();
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', r.started(130), 130);
    b.s2c('tab1', { ...r.thinking(200), agent_name: 'spend_forecaster' }, 200);
    b.s2c('tab1', r.completed(300), 300);
    b.close('tab1', 1000, 'client', 400);
    const c = check(b);
    expect(c.rules).toEqual(['correlation.run-fields-constant']);
    expect(c.of('correlation.run-fields-constant')[0].message).toBe(
      'run run_alice000001: expected agent_name cost_optimizer (as on its first event), got spend_forecaster',
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
