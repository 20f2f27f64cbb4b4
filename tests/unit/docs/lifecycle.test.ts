import * as path from 'node:path';
import { DocsError, lifecycleFromTable, lifecycleSvg } from '../../../src/docs';
import { readRulesDoc } from '../../../src/docs/inputs/rules';

const ROOT = path.resolve(__dirname, '../../..');

function edgesOf(svg: string): string[] {
  return [...svg.matchAll(/<path class="lc-edge lc-(\w+)" data-from="([^"]+)" data-to="([^"]+)"/g)].map(
    (m) => `${m[2]}->${m[3]}:${m[1]}`,
  );
}

describe('lifecycle drawn from a transitions table', () => {
  const table = {
    start: 'open',
    terminals: ['done', 'failed'],
    transitions: {
      open: ['work', 'done'],
      work: ['work', 'call', 'done', 'failed'],
      call: ['result'],
      result: ['call', 'work', 'done'],
      done: [],
      failed: [],
    },
  };

  it('has one path per allowed transition, classified as forward, back or self', () => {
    const svg = lifecycleSvg(lifecycleFromTable(table, { pair: { open: 'call', close: 'result', key: 'call_id' } }));
    expect(edgesOf(svg).sort()).toEqual(
      [
        'open->work:forward',
        'open->done:forward',
        'work->work:self',
        'work->call:forward',
        'work->done:forward',
        'work->failed:forward',
        'call->result:forward',
        'result->call:back',
        'result->work:back',
        'result->done:forward',
      ].sort(),
    );
  });

  it('draws every state once, marks the start and the terminals, and frames the tool pair', () => {
    const svg = lifecycleSvg(lifecycleFromTable(table, { pair: { open: 'call', close: 'result', key: 'call_id' } }));
    const states = [...svg.matchAll(/<g class="([^"]+)" data-state="([^"]+)"/g)].map((m) => `${m[2]}:${m[1]}`);
    expect(states).toEqual([
      'open:lc-node lc-start',
      'work:lc-node',
      'call:lc-node',
      'result:lc-node',
      'done:lc-node lc-terminal',
      'failed:lc-node lc-terminal',
    ]);
    expect(svg).toContain('<g class="lc-pair" data-open="call" data-close="result">');
    expect(svg).toContain('tool pair: same call_id');
    expect(svg).toContain('<circle class="lc-dot"');
  });

  it('changes with the table: a new transition is a new edge, a removed one is gone', () => {
    const before = edgesOf(lifecycleSvg(lifecycleFromTable(table)));
    const after = edgesOf(
      lifecycleSvg(
        lifecycleFromTable({
          ...table,
          transitions: { ...table.transitions, call: ['result', 'failed'], open: ['work'] },
        }),
      ),
    );
    expect(after).toContain('call->failed:forward');
    expect(after).not.toContain('open->done:forward');
    expect(before).toContain('open->done:forward');
  });

  it('places states left to right by their longest path from the start, terminals last', () => {
    const svg = lifecycleSvg(lifecycleFromTable(table));
    const x = (state: string): number =>
      Number(new RegExp(`data-state="${state}"><rect x="([\\d.-]+)"`).exec(svg)?.[1]);
    expect(x('open')).toBeLessThan(x('work'));
    expect(x('work')).toBeLessThan(x('call'));
    expect(x('call')).toBeLessThan(x('result'));
    expect(x('result')).toBeLessThan(x('done'));
    expect(x('done')).toBe(x('failed'));
  });

  it('escapes state names and is deterministic', () => {
    const odd = lifecycleFromTable({ start: '<a>', terminals: ['"b"'], transitions: { '<a>': ['"b"'], '"b"': [] } });
    const svg = lifecycleSvg(odd);
    expect(svg).not.toContain('<a>');
    expect(svg).toContain('data-state="&lt;a&gt;"');
    expect(lifecycleSvg(odd)).toBe(svg);
  });

  it('refuses a malformed table with a typed error', () => {
    expect(() => lifecycleFromTable({ start: 'a', terminals: ['b'], transitions: { a: 'b' } })).toThrow(DocsError);
    expect(() => lifecycleFromTable({ terminals: [], transitions: {} })).toThrow(/"start"/);
  });

  it('is built from the repository’s own order and pair rules', () => {
    const doc = readRulesDoc(path.join(ROOT, 'contracts'), (f) => path.relative(ROOT, f));
    const order = doc.families.flatMap((f) => f.rules).find((r) => r.check === 'allowed_transitions');
    expect(order).toBeDefined();
    expect(doc.lifecycle?.rule).toBe(order?.id);
    const transitions = order?.params.transitions as Record<string, string[]>;
    const expected = Object.entries(transitions).flatMap(([from, next]) => next.map((to) => `${from}->${to}`));
    const svg = lifecycleSvg(doc.lifecycle as NonNullable<typeof doc.lifecycle>);
    expect(
      edgesOf(svg)
        .map((e) => e.replace(/:\w+$/, ''))
        .sort(),
    ).toEqual(expected.sort());
    expect(doc.lifecycle?.pair).toEqual({ open: 'tool_executing', close: 'tool_completed', key: 'tool_call_id' });
  });
});
