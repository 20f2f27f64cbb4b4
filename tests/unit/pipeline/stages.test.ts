import { NetraError } from '../../../src/util/errors';
import { formatSummary, runStages, type StageOutcome } from '../../../src/pipeline/stages';

describe('[easy] pipeline stage runner', () => {
  it('runs every stage, keeps going after a failure, and skips only the stages that need a failed one', async () => {
    const seen: string[] = [];
    const outcomes = await runStages(
      [
        { name: 'a', run: async () => 'fine' },
        {
          name: 'b',
          run: async () => {
            throw new NetraError('B_BROKE', 'b broke\nsecond line');
          },
        },
        { name: 'c', needs: ['b'], run: async () => 'never runs' },
        { name: 'd', needs: ['a'], run: async () => 'runs' },
      ],
      (o) => seen.push(o.name),
    );
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(outcomes.map((o) => [o.name, o.ok, o.detail])).toEqual([
      ['a', true, 'fine'],
      ['b', false, 'B_BROKE: b broke'],
      ['c', false, "skipped: 'b' failed"],
      ['d', true, 'runs'],
    ]);
  });

  it('runs a group of stages at the same time, and keeps the listed order', async () => {
    const events: string[] = [];
    const slow = (name: string, ms: number) => async (): Promise<string> => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name} end`);
      return name;
    };
    const outcomes = await runStages(
      [
        [
          { name: 'slow', run: slow('slow', 60) },
          { name: 'fast', run: slow('fast', 5) },
        ],
        { name: 'after', needs: ['slow', 'fast'], run: slow('after', 1) },
      ],
      () => undefined,
    );
    expect(events.slice(0, 2).sort()).toEqual(['fast start', 'slow start']);
    expect(events.indexOf('fast end')).toBeLessThan(events.indexOf('slow end'));
    expect(events.indexOf('after start')).toBeGreaterThan(events.indexOf('slow end'));
    expect(outcomes.map((o) => o.name)).toEqual(['slow', 'fast', 'after']);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('summarises with one line per stage and a verdict', () => {
    const outcomes: StageOutcome[] = [
      { name: 'generate', ok: true, detail: '43 files', ms: 1400 },
      { name: 'replay', ok: false, detail: 'REPLAY_FAILED: x', ms: 250 },
    ];
    const text = formatSummary(outcomes);
    expect(text.split('\n')).toEqual([
      'ok    generate    1.4 s  43 files',
      'FAIL  replay      0.3 s  REPLAY_FAILED: x',
      '1 of 2 stages failed',
    ]);
  });
});
