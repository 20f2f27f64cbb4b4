import { TabRun, TabRuns } from '../../../../src/verify/load/tab-runs';

const followAndFinish = (runs: TabRuns, id: string): TabRun => {
  const run = new TabRun(id, 1, 1);
  runs.follow(run);
  expect(runs.finish(run)).toBe(true);
  return run;
};

describe('TabRuns (what a tab remembers of the runs it is done with)', () => {
  it('remembers the newest 256 finished runs and forgets the oldest, one per new one', () => {
    const runs = new TabRuns();
    for (let i = 0; i < 300; i++) followAndFinish(runs, `run_${i}`);
    const remembered = Array.from({ length: 300 }, (_, i) => runs.done(`run_${i}`) !== undefined);
    expect(remembered.indexOf(true)).toBe(44);
    expect(remembered.slice(44).every(Boolean)).toBe(true);
    expect(runs.active('run_299')).toBeUndefined();
  });

  it('a run followed again (a resume) and finished again counts from its last finish', () => {
    const runs = new TabRuns();
    const again = followAndFinish(runs, 'run_again');
    for (let i = 0; i < 100; i++) followAndFinish(runs, `run_${i}`);
    runs.follow(again);
    expect(runs.done('run_again')).toBeUndefined();
    expect(runs.active('run_again')).toBe(again);
    expect(runs.finish(again)).toBe(true);
    expect(runs.finish(again)).toBe(false); // not followed any more
    // Its first slot comes round again: it finished later, so it stays.
    for (let i = 100; i < 300; i++) followAndFinish(runs, `run_${i}`);
    expect(runs.done('run_again')).toBe(again);
    for (let i = 300; i < 400; i++) followAndFinish(runs, `run_${i}`);
    expect(runs.done('run_again')).toBeUndefined();
    expect(runs.done('run_399')).toBeDefined();
  });
});

describe('TabRuns.active', () => {
  it('finds the runs followed now, not one finished, whatever was looked up last', () => {
    const runs = new TabRuns();
    const a = new TabRun('run_a', 1, 1);
    const b = new TabRun('run_b', 1, 1);
    runs.follow(a);
    runs.follow(b);
    expect(runs.active('run_a')).toBe(a);
    expect(runs.active('run_b')).toBe(b);
    expect(runs.active('run_b')).toBe(b);
    runs.finish(b);
    expect(runs.active('run_b')).toBeUndefined();
    expect(runs.done('run_b')).toBe(b);
    expect(runs.active('run_a')).toBe(a);
    runs.finish(a);
    expect(runs.active('run_a')).toBeUndefined();
    runs.follow(b); // followed again (a resume)
    expect(runs.active('run_b')).toBe(b);
    expect(runs.done('run_b')).toBeUndefined();
  });
});
