import { createChecker, loadProfiles, loadRules, RulesError, type RuleDef, type Violation } from '../../../src/rules';
import { RunBuilder, established } from './session-builder';

const rules = loadRules();
const profile = loadProfiles().get('local');

describe('createChecker (the streaming engine, as the load tool uses it)', () => {
  it('reports live through onViolation, before finish, with conn and line', () => {
    const live: Violation[] = [];
    const checker = createChecker({ rules, profile, onViolation: (v) => live.push(v) });
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
    checker.open('c1', 'alice', 0, 2);
    checker.frame('c1', 's2c', established('c1', 'alice', 5), undefined, 5, 3);
    checker.frame('c1', 'c2s', r.startAgent(), undefined, 10, 4);
    checker.frame('c1', 's2c', r.started(20), undefined, 20, 5);
    checker.frame('c1', 's2c', { ...r.thinking(30), user_id: 'bob' }, undefined, 30, 6);
    expect(live.map((v) => [v.rule, v.conn, v.line, v.severity])).toEqual([
      ['isolation.event-user-matches-token', 'c1', 6, 'error'],
      ['correlation.run-fields-constant', 'c1', 6, 'error'],
    ]);
    expect(checker.violations).toHaveLength(2);
    checker.frame('c1', 's2c', r.completed(40), undefined, 40, 7);
    const final = checker.finish(50);
    expect(final).toHaveLength(2);
    expect(checker.finish(60)).toHaveLength(2); // idempotent
    expect(checker.stats()).toMatchObject({ records: 6, frames: 5, conns: 1, users: 1, runs: 1 });
  });

  it('maxViolations bounds what it keeps; onViolation still sees every finding', () => {
    for (const maxViolations of [0, 1]) {
      const live: Violation[] = [];
      const checker = createChecker({ rules, profile, maxViolations, onViolation: (v) => live.push(v) });
      const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
      checker.open('c1', 'alice', 0, 2);
      checker.frame('c1', 's2c', established('c1', 'alice', 5), undefined, 5, 3);
      checker.frame('c1', 'c2s', r.startAgent(), undefined, 10, 4);
      checker.frame('c1', 's2c', r.started(20), undefined, 20, 5);
      checker.frame('c1', 's2c', { ...r.thinking(30), user_id: 'bob' }, undefined, 30, 6);
      checker.frame('c1', 's2c', r.completed(40), undefined, 40, 7);
      expect(live.filter((v) => v.severity === 'error')).toHaveLength(2);
      expect(checker.violations).toHaveLength(maxViolations);
      expect(checker.finish(50)).toEqual(live.slice(0, maxViolations));
    }
  });

  it('finalises a run retainMs after its terminal and drops it; a late foreign replay is still caught', () => {
    const checker = createChecker({ rules, profile, retainMs: 1000 });
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
    checker.open('a', 'alice', 0);
    checker.frame('a', 's2c', established('a', 'alice', 1), undefined, 1);
    checker.open('b', 'bob', 0);
    checker.frame('b', 's2c', established('b', 'bob', 1), undefined, 1);
    checker.frame('a', 'c2s', r.startAgent(), undefined, 10);
    const started = r.started(20);
    checker.frame('a', 's2c', started, undefined, 20);
    checker.frame('a', 's2c', r.toolExecuting(30, 'call_1', 'cost_analyzer'), undefined, 30);
    checker.frame('a', 's2c', r.toolExecuting(31, 'call_2', 'cache_estimator'), undefined, 31);
    checker.frame('a', 's2c', r.toolCompleted(35, 'call_2', 'cache_estimator'), undefined, 35);
    checker.frame('a', 's2c', r.completed(40), undefined, 40);
    expect(checker.violations).toEqual([]);
    // Time passes: the next record finalises the run, which reports its open tool call then.
    checker.frame('b', 'c2s', { type: 'cancel_run', run_id: 'run_nothing01', request_id: 'x' }, undefined, 2000);
    expect(checker.violations.map((v) => v.rule)).toEqual(['pair.completed-before-terminal']);
    checker.frame('b', 's2c', started, undefined, 2001);
    checker.frame('a', 's2c', started, undefined, 2002); // a late repeat to its owner: tolerated per connection
    expect(checker.violations.map((v) => v.rule)).toEqual([
      'pair.completed-before-terminal',
      'isolation.no-foreign-run',
    ]);
  });

  describe('settledRetainMs (the load tool): a settled run is finalised sooner', () => {
    const LIVE = ['order.allowed-transitions'];
    /**
     * alice with two tabs, bob with one; a run with an open tool call (order.allowed-transitions, found live), its
     * terminal at t=40 on tab a1.
     */
    function twoTabsRun(settledRetainMs: number | undefined) {
      const checker = createChecker({ rules, profile, retainMs: 10_000, settledRetainMs });
      const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
      for (const [conn, user] of [
        ['a1', 'alice'],
        ['a2', 'alice'],
        ['b', 'bob'],
      ]) {
        checker.open(conn, user, 0);
        checker.frame(conn, 's2c', established(conn, user, 1), undefined, 1);
      }
      checker.frame('a1', 'c2s', r.startAgent(), undefined, 10);
      const events = [r.started(20), r.toolExecuting(30, 'call_1', 'cost_analyzer'), r.completed(40)];
      for (const event of events) checker.frame('a1', 's2c', event, undefined, (event.seq as number) * 10 + 10);
      const found = () => checker.violations.map((v) => v.rule);
      const later = (t: number) =>
        checker.frame('b', 'c2s', { type: 'cancel_run', run_id: 'run_nothing01' }, undefined, t);
      return { checker, r, events, found, later };
    }

    it('waits while a tab of the owner still lacks events; finalises once every tab holds the run', () => {
      const { checker, events, found, later } = twoTabsRun(100);
      later(500); // a2 holds nothing yet: not settled, nothing judged
      expect(found()).toEqual(LIVE);
      for (const event of events) checker.frame('a2', 's2c', event, undefined, 600); // a slow tab, complete late
      expect(found()).toEqual(LIVE);
      later(650); // settled at 600: finalised 100 ms later, the open tool call judged then
      expect(found()).toEqual(LIVE);
      later(700);
      expect(found()).toEqual([...LIVE, 'pair.completed-before-terminal']);
      checker.finish(800);
      expect(found()).toEqual([...LIVE, 'pair.completed-before-terminal']); // no fan-out gap: a2 got everything
    });

    it('without it, the same run is kept retainMs after its terminal', () => {
      const { checker, events, found, later } = twoTabsRun(undefined);
      for (const event of events) checker.frame('a2', 's2c', event, undefined, 600);
      later(5_000);
      expect(found()).toEqual(LIVE);
      later(10_040);
      expect(found()).toEqual([...LIVE, 'pair.completed-before-terminal']);
    });

    it('after finalising, a new seq is still judged (an event or a second terminal after the end), and a copy on a tab that held the run is a repeat', () => {
      const { checker, r, events, found, later } = twoTabsRun(100);
      for (const event of events) checker.frame('a2', 's2c', event, undefined, 50);
      later(200);
      expect(found()).toEqual([...LIVE, 'pair.completed-before-terminal']);
      checker.frame('a2', 's2c', events[1], undefined, 300); // a2 held seq 2 when the run settled
      const stray = r.thinking(400);
      checker.frame('a1', 's2c', stray, undefined, 400);
      checker.frame('a2', 's2c', stray, undefined, 401); // the same new event on the other tab: judged once
      const second = r.completed(500);
      checker.frame('a1', 's2c', second, undefined, 500);
      expect(checker.violations.slice(2).map((v) => [v.rule, v.conn, (v.frame as { seq: number }).seq])).toEqual([
        ['seq.no-repeat', 'a2', 2],
        ['order.nothing-after-terminal', 'a1', 4],
        ['order.single-terminal', 'a1', 5],
      ]);
      expect(checker.violations[3].message).toContain('agent_completed (seq 3');
    });

    it('a tab that opens after the run settled may be sent it again (a replay), without a finding', () => {
      const { checker, events, found, later } = twoTabsRun(100);
      for (const event of events) checker.frame('a2', 's2c', event, undefined, 50);
      later(200);
      checker.open('a3', 'alice', 300);
      checker.frame('a3', 's2c', established('a3', 'alice', 301), undefined, 301);
      checker.frame('a3', 'c2s', { type: 'resume', run_id: 'run_alice000001', last_seq: 0 }, undefined, 310);
      for (const event of events) checker.frame('a3', 's2c', event, undefined, 320);
      checker.finish(400);
      expect(found()).toEqual([...LIVE, 'pair.completed-before-terminal']);
    });

    it('a tab cut off part-way keeps the run unsettled: its resume is checked in full', () => {
      const { checker, events, found, later } = twoTabsRun(100);
      checker.frame('a2', 's2c', events[0], undefined, 20);
      checker.close('a2', 1006, '', 'client', 25); // dropped after seq 1; a1 gets the rest
      later(500);
      expect(found()).toEqual(LIVE); // not finalised: a2's tab may come back
      checker.open('a2b', 'alice', 600);
      checker.frame('a2b', 's2c', established('a2b', 'alice', 601), undefined, 601);
      checker.frame('a2b', 'c2s', { type: 'resume', run_id: 'run_alice000001', last_seq: 1 }, undefined, 610);
      for (const event of events) checker.frame('a2b', 's2c', event, undefined, 620); // seq 1 again: already had
      expect(found()).toEqual([...LIVE, 'seq.resume-continues']);
      later(10_040); // never settled (a2's view stays part-way): finalised retainMs after its terminal
      expect(found()).toEqual([...LIVE, 'seq.resume-continues', 'pair.completed-before-terminal']);
    });

    it('another run of the user, or a start of it, still in flight keeps the retention (the limit rules need it)', () => {
      for (const second of ['run', 'start'] as const) {
        const { checker, events, found, later } = twoTabsRun(0);
        const r2 = new RunBuilder({ runId: 'run_alice000002', user: 'alice' });
        checker.frame('a1', 'c2s', r2.startAgent(), undefined, 25);
        const started2 = r2.started(26);
        if (second === 'run') for (const conn of ['a1', 'a2']) checker.frame(conn, 's2c', started2, undefined, 26);
        for (const event of events) checker.frame('a2', 's2c', event, undefined, 50); // run 1 is complete on both tabs
        later(500);
        if (found().length > 1)
          console.log(
            second,
            checker.violations.map((v) => v.rule + ' ' + v.conn + ' ' + v.message),
          );
        expect(found()).toEqual(LIVE); // run 1 not finalised yet
        later(10_040);
        expect(found()).toEqual([...LIVE, 'pair.completed-before-terminal']);
      }
    });

    it('a resume of a run finalised long ago is answered by a replay the engine takes as late events', () => {
      const checker = createChecker({ rules, profile, retainMs: 100 });
      const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
      checker.open('a', 'alice', 0);
      checker.frame('a', 's2c', established('a', 'alice', 1), undefined, 1);
      checker.frame('a', 'c2s', r.startAgent(), undefined, 10);
      const events = [r.started(20), r.completed(40)];
      for (const event of events) checker.frame('a', 's2c', event, undefined, event.seq === 1 ? 20 : 40);
      checker.frame('a', 'c2s', { type: 'resume', run_id: 'run_alice000001', last_seq: 0 }, undefined, 500);
      for (const event of events) checker.frame('a', 's2c', event, undefined, 510);
      expect(checker.finish(600)).toEqual([]);
    });
  });

  it('refuses an unknown check kind and a profile key the profile lacks (RulesError, exit 2)', () => {
    const bogus: RuleDef = { ...rules.rules[0], id: 'order.bogus', check: 'no_such_check' };
    expect(() => createChecker({ rules: [bogus], profile })).toThrow(RulesError);
    const timing = rules.rules.find((r) => r.id === 'timing.first-event') as RuleDef;
    const broken: RuleDef = { ...timing, params: { limit_ms: { profile: 'first_byte_ms' } } };
    expect(() => createChecker({ rules: [broken], profile })).toThrow(
      /refers to profile key "first_byte_ms", which profile "local" does not have/,
    );
  });

  it('keepFrames: false lets run events go once processed; findings about them then name their line', () => {
    const checker = createChecker({ rules, profile, keepFrames: false });
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
    checker.open('a', 'alice', 0, 2);
    checker.frame('a', 's2c', established('a', 'alice', 1), undefined, 1, 3);
    checker.frame('a', 'c2s', r.startAgent(), undefined, 10, 4);
    checker.frame('a', 's2c', r.started(20), undefined, 20, 5);
    const open = r.toolExecuting(30, 'call_1', 'cost_analyzer');
    checker.frame('a', 's2c', open, undefined, 30, 6);
    checker.frame('a', 's2c', { ...r.thinking(35), user_id: 'bob' }, undefined, 35, 7); // reported while held
    checker.frame('a', 's2c', r.completed(40), undefined, 40, 8);
    const found = checker.finish(50);
    const live = found.find((v) => v.rule === 'isolation.event-user-matches-token');
    expect(live).toMatchObject({ line: 7, frame: expect.objectContaining({ user_id: 'bob' }) });
    expect(live?.frameLine).toBeUndefined();
    // Reported at the run's end, when the tool_executing was long let go: its line, not its message.
    const late = found.find((v) => v.rule === 'pair.completed-before-terminal');
    expect(late).toMatchObject({ line: 6, frameLine: 6, message: expect.stringMatching(/call_1 \(cost_analyzer\)/) });
    expect(late?.frame).toBeUndefined();
  });

  it('validates a redacted auth_refresh as the valid message it was', () => {
    const checker = createChecker({ rules, profile });
    checker.open('a', 'alice', 0);
    checker.frame('a', 's2c', established('a', 'alice', 1), undefined, 1);
    checker.frame('a', 'c2s', { type: 'auth_refresh', token: '<redacted>' }, undefined, 10);
    checker.close('a', 1000, '', 'client', 5000);
    expect(checker.finish()).toEqual([]);
    expect(checker.warnings).toEqual([]);
  });
});
