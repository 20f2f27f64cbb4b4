import { check } from './check-helper';
import { RunBuilder, SessionBuilder } from './session-builder';

const run = () => new RunBuilder({ runId: 'run_alice000001', user: 'alice' });

function runWith(times: { started: number; thinking: number[]; completed: number }): SessionBuilder {
  const b = new SessionBuilder().connect('tab1', 'alice', 0);
  const r = run();
  b.c2s('tab1', r.startAgent(), 100);
  b.s2c('tab1', r.started(times.started), times.started);
  for (const t of times.thinking) b.s2c('tab1', r.thinking(t), t);
  b.s2c('tab1', r.completed(times.completed), times.completed);
  return b.close('tab1', 1000, 'client', times.completed + 100);
}

describe('timing.*', () => {
  it('timing.first-event: 100 ms on the local profile, 500 ms on ci', () => {
    const b = runWith({ started: 380, thinking: [400], completed: 600 });
    const local = check(b, { profile: 'local' });
    expect(local.rules).toEqual(['timing.first-event']);
    expect(local.of('timing.first-event')[0].message).toBe(
      'run run_alice000001: expected the first event within 100 ms of start_agent, got agent_started (seq 1, line 5) after 280 ms',
    );
    expect(check(b, { profile: 'ci' }).rules).toEqual([]);
    expect(check(b, { profile: 'staging' }).rules).toEqual(['timing.first-event']);
  });

  it('timing.terminal: a run that keeps talking but takes 50 s', () => {
    const thinking = [10_000, 20_000, 30_000, 40_000];
    const c = check(runWith({ started: 150, thinking, completed: 50_150 }));
    expect(c.rules).toEqual(['timing.terminal']);
    expect(c.of('timing.terminal')[0].message).toMatch(/within 45000 ms, got agent_completed .* after 50050 ms/);
  });

  it('timing.no-silence: 20 s without an event while the user listened', () => {
    const c = check(runWith({ started: 150, thinking: [300, 20_300], completed: 20_400 }));
    expect(c.rules).toEqual(['timing.no-silence']);
    expect(c.of('timing.no-silence')[0].message).toMatch(
      /at most every 15000 ms, got agent_thinking \(seq 3, line \d+\) after 20000 ms of silence/,
    );
  });

  it('silence while the user was away (reconnect and resume) is not the run falling silent', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    const r = run();
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', r.started(150), 150);
    b.close('tab1', 1006, 'client', 200, 'network lost');
    const missed = r.thinking(5_000);
    b.connect('tab2', 'alice', 25_000);
    b.c2s('tab2', { type: 'resume', run_id: r.runId, last_seq: 1 }, 25_020);
    b.s2c('tab2', missed, 25_021);
    b.s2c('tab2', r.completed(25_100), 25_100);
    b.close('tab2', 1000, 'client', 25_200);
    expect(check(b).rules).toEqual([]);
  });
});
