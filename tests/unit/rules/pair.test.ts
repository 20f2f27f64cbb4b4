import { check } from './check-helper';
import { RunBuilder, SessionBuilder } from './session-builder';

const one = () => new SessionBuilder().connect('tab1', 'alice', 0);
const run = () => new RunBuilder({ runId: 'run_alice000001', user: 'alice' });

function started(b: SessionBuilder, r: RunBuilder): void {
  b.c2s('tab1', r.startAgent(), 100);
  b.s2c('tab1', r.started(130), 130);
}

describe('pair.*', () => {
  it('pair.completed-before-terminal: a call still open at the terminal, reported at its tool_executing', () => {
    const b = one();
    const r = run();
    started(b, r);
    b.s2c('tab1', r.toolExecuting(200, 'call_1', 'cost_analyzer'), 200);
    b.s2c('tab1', r.toolExecuting(210, 'call_2', 'cache_estimator'), 210);
    b.s2c('tab1', r.toolCompleted(300, 'call_2', 'cache_estimator'), 300);
    b.s2c('tab1', r.completed(400), 400);
    b.close('tab1', 1000, 'client', 500);
    const c = check(b);
    expect(c.rules).toEqual(['pair.completed-before-terminal']);
    const [v] = c.of('pair.completed-before-terminal');
    expect(v.line).toBe(6);
    expect(v.message).toMatch(
      /expected tool_completed for call_1 \(cost_analyzer\) opened at line 6 before the terminal event, got agent_completed \(seq 5/,
    );
  });

  it('a run that never ends is not judged for open calls (protocol.run-ends is)', () => {
    const b = one();
    const r = run();
    started(b, r);
    b.s2c('tab1', r.toolExecuting(200, 'call_1', 'cost_analyzer'), 200);
    b.close('tab1', 1000, 'client', 500);
    expect(check(b).rules).toEqual(['protocol.run-ends']);
  });

  it('pair.no-orphan-completion and pair.no-duplicate', () => {
    const b = one();
    const r = run();
    started(b, r);
    b.s2c('tab1', r.toolCompleted(200, 'call_9', 'cost_analyzer'), 200);
    b.s2c('tab1', r.toolExecuting(300, 'call_1', 'cost_analyzer'), 300);
    b.s2c('tab1', r.toolCompleted(400, 'call_1', 'cost_analyzer'), 400);
    b.s2c('tab1', r.toolCompleted(410, 'call_1', 'cost_analyzer'), 410);
    b.s2c('tab1', r.completed(500), 500);
    b.close('tab1', 1000, 'client', 600);
    const c = check(b);
    // agent_started -> tool_completed is also a forbidden edge of the lifecycle.
    expect(c.rules).toEqual(['order.allowed-transitions', 'pair.no-duplicate', 'pair.no-orphan-completion']);
    expect(c.of('pair.no-orphan-completion')[0].message).toMatch(/call_9/);
    expect(c.of('pair.no-duplicate')[0].message).toMatch(
      /expected one tool_completed for call_1, got a second one \(first at line 8\)/,
    );
  });

  it('a tool_completed that overtakes its replayed tool_executing (resume race) is not an orphan', () => {
    const b = one();
    const r = run();
    started(b, r);
    b.s2c('tab1', r.thinking(200), 200);
    b.close('tab1', 1006, 'client', 250, 'network lost');
    const executing = r.toolExecuting(300, 'call_1', 'cost_analyzer'); // emitted while alice was away
    b.connect('tab2', 'alice', 320);
    b.c2s('tab2', { type: 'resume', run_id: r.runId, last_seq: 2 }, 335);
    b.s2c('tab2', r.toolCompleted(336, 'call_1', 'cost_analyzer'), 336); // live, before the replay
    b.s2c('tab2', executing, 337); // replay
    b.s2c('tab2', r.completed(500), 500);
    b.close('tab2', 1000, 'client', 600);
    expect(check(b).rules).toEqual([]);
  });
});
