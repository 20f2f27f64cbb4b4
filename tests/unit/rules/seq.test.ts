import { check } from './check-helper';
import { RunBuilder, SessionBuilder } from './session-builder';

const run = () => new RunBuilder({ runId: 'run_alice000001', user: 'alice' });

/** alice on tab1 starts a run and gets seq 1-2; tab1 drops; seq 3-4 are emitted while she is away. */
function dropped(): { b: SessionBuilder; r: RunBuilder; missed: Record<string, unknown>[] } {
  const b = new SessionBuilder().connect('tab1', 'alice', 0);
  const r = run();
  b.c2s('tab1', r.startAgent(), 100);
  b.s2c('tab1', r.started(130), 130);
  b.s2c('tab1', r.thinking(200), 200);
  b.close('tab1', 1013, 'server', 250, 'slow consumer');
  const missed = [r.toolExecuting(300, 'call_1', 'cost_analyzer'), r.toolCompleted(350, 'call_1', 'cost_analyzer')];
  b.connect('tab2', 'alice', 400);
  b.c2s('tab2', { type: 'resume', run_id: r.runId, last_seq: 2 }, 415);
  return { b, r, missed };
}

describe('seq.*', () => {
  it('a resumed stream that continues exactly at last_seq + 1 holds', () => {
    const { b, r, missed } = dropped();
    b.s2c('tab2', missed[0], 420).s2c('tab2', missed[1], 421);
    b.s2c('tab2', r.completed(500), 500).close('tab2', 1000, 'client', 600);
    expect(check(b).rules).toEqual([]);
  });

  it('seq.resume-continues: the replay repeats what the client had', () => {
    const { b, r, missed } = dropped();
    b.s2c('tab2', { ...r.thinking(200), seq: 2 }, 419);
    r.seq--;
    b.s2c('tab2', missed[0], 420).s2c('tab2', missed[1], 421);
    b.s2c('tab2', r.completed(500), 500).close('tab2', 1000, 'client', 600);
    const c = check(b);
    expect(c.rules).toEqual(['seq.resume-continues']);
    expect(c.of('seq.resume-continues')[0].message).toMatch(
      /resumed after seq 2, expected seq 3 onwards, got agent_thinking \(seq 2, line \d+\), which the client already had/,
    );
  });

  it('seq.resume-continues: the replay skips an event and never sends it', () => {
    const { b, r, missed } = dropped();
    b.s2c('tab2', missed[1], 421);
    b.s2c('tab2', r.completed(500), 500).close('tab2', 1000, 'client', 600);
    const c = check(b);
    expect(c.rules).toEqual(['seq.resume-continues']);
    expect(c.of('seq.resume-continues')[0].message).toMatch(
      /expected seq 3 next, got tool_completed \(seq 4, line \d+\), seq 3 never sent/,
    );
  });

  it('a live event that overtakes the replay is fine once the replay fills the gap', () => {
    const { b, r, missed } = dropped();
    const live = r.thinking(419, 'Still pricing.');
    b.s2c('tab2', live, 419).s2c('tab2', missed[0], 420).s2c('tab2', missed[1], 421);
    b.s2c('tab2', r.completed(500), 500).close('tab2', 1000, 'client', 600);
    expect(check(b).rules).toEqual([]);
  });

  it('seq.contiguous: a gap on each connection that saw it; seq.no-repeat: a repeat on one', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0).connect('tab2', 'alice', 20);
    const r = run();
    b.c2s('tab1', r.startAgent(), 100);
    b.emit(['tab1', 'tab2'], r.started(130), 130);
    const thinking = r.thinking(200);
    b.emit(['tab1', 'tab2'], thinking, 200);
    b.s2c('tab2', thinking, 205);
    r.seq++; // seq 3 is never sent
    b.emit(['tab1', 'tab2'], r.completed(300), 300);
    b.close('tab1', 1000, 'client', 400).close('tab2', 1000, 'client', 401);
    const c = check(b);
    expect(c.rules).toEqual(['seq.contiguous', 'seq.no-repeat']);
    expect(c.of('seq.contiguous').map((v) => [v.conn, v.message])).toEqual([
      ['tab1', 'run run_alice000001 on conn tab1: expected seq 3, got seq 4 (seq 3 missing)'],
      ['tab2', 'run run_alice000001 on conn tab2: expected seq 3, got seq 4 (seq 3 missing)'],
    ]);
    expect(c.of('seq.no-repeat')[0]).toMatchObject({ conn: 'tab2', line: 11 });
  });

  it('seq.starts-at-one', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    const r = run();
    r.seq = 4;
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', r.started(130), 130);
    b.s2c('tab1', r.completed(300), 300);
    b.close('tab1', 1000, 'client', 400);
    expect(check(b).rules).toEqual(['seq.starts-at-one']);
  });

  describe('a replay hole still open when the connection goes', () => {
    /** tab2 resumes after seq 2; a live event (seq 5) overtakes the replay, which then only gets to seq 3. */
    function overtaken(): { b: SessionBuilder; r: RunBuilder; missed: Record<string, unknown>[] } {
      const { b, r, missed } = dropped();
      const live = r.thinking(420, 'Still pricing.');
      b.s2c('tab2', live, 420).s2c('tab2', missed[0], 421);
      return { b, r, missed };
    }

    /** tab3 picks the run up again and gets everything after seq 2 (the rest of the run included). */
    function pickedUp(b: SessionBuilder, r: RunBuilder, missed: Record<string, unknown>[], t: number): void {
      b.connect('tab3', 'alice', t);
      b.c2s('tab3', { type: 'resume', run_id: r.runId, last_seq: 2 }, t + 15);
      b.s2c('tab3', missed[0], t + 20).s2c('tab3', missed[1], t + 21);
      b.s2c('tab3', { ...r.thinking(420, 'Still pricing.'), seq: 5 }, t + 22);
      r.seq--;
      b.s2c('tab3', r.completed(t + 100), t + 100).close('tab3', 1000, 'client', t + 200);
    }

    it('is excused when it dies abnormally (1006): the rest of the replay was in flight', () => {
      const { b, r, missed } = overtaken();
      b.close('tab2', 1006, 'server', 442, 'connection reset');
      pickedUp(b, r, missed, 600);
      expect(check(b).rules).toEqual([]);
    });

    it('is excused when the server closes it', () => {
      const { b, r, missed } = overtaken();
      b.close('tab2', 1013, 'server', 442, 'slow consumer');
      pickedUp(b, r, missed, 600);
      expect(check(b).rules).toEqual([]);
    });

    it('is reported when the client closes it normally after the run went on', () => {
      const { b, r } = overtaken();
      b.s2c('tab2', r.completed(500), 500).close('tab2', 1000, 'client', 600);
      const c = check(b);
      expect(c.rules).toEqual(['seq.resume-continues']);
      expect(c.of('seq.resume-continues')[0].message).toMatch(/seq 4 never sent/);
    });

    it('is reported when the connection is still open at the end', () => {
      const { b, r } = overtaken();
      b.s2c('tab2', r.completed(500), 500);
      const c = check(b);
      expect(c.rules).toEqual(['seq.resume-continues']);
      expect(c.of('seq.resume-continues')[0]).toMatchObject({ conn: 'tab2' });
      expect(c.of('seq.resume-continues')[0].message).toMatch(/seq 4 never sent/);
    });
  });
});
