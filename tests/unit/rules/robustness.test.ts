import fc from 'fast-check';
import { loadProfiles, loadRules } from '../../../src/rules';
import { verifySessionText } from '../../../src/verify/offline';
import { SessionError } from '../../../src/sessions';
import { buildBaseSession } from '../../contracts/negative/base-session';

const rules = loadRules();
const profile = loadProfiles().get();
const base = buildBaseSession()
  .text()
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, any>);
const [header, ...records] = base;

// Edits a recording the way a broken server (or recorder) might, and checks the engine never throws on it: every
// input is either a readable session with findings, or a SessionError.
const valueArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -2, max: 1_000_001 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'run_a1b2c3d4e5',
    'run_b9y8x7w6v5',
    'alice',
    'bob',
    'agent_started',
    'tool_completed',
    'agent_completed',
  ),
);
const fieldArb = fc.constantFrom(
  'type',
  'seq',
  'run_id',
  'user_id',
  'request_id',
  'tool_call_id',
  'status',
  'result',
  'error_code',
  'last_seq',
);
const editArb = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('field' as const), at: fc.nat(), field: fieldArb, value: valueArb }),
  fc.record({ kind: fc.constant('msg' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('time' as const), at: fc.nat(), value: fc.integer({ min: -1000, max: 100_000 }) }),
);

type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

function apply(edits: Edit[]): string {
  const out = records.map((r) => structuredClone(r));
  for (const edit of edits) {
    if (out.length === 0) break;
    const i = edit.at % out.length;
    if (edit.kind === 'drop') out.splice(i, 1);
    else if (edit.kind === 'dup') out.splice(edit.to % out.length, 0, structuredClone(out[i]));
    else if (edit.kind === 'time') out[i].t = edit.value;
    else if (out[i].kind === 'frame' && out[i].msg !== undefined) {
      if (edit.kind === 'msg') out[i].msg = edit.value;
      else if (out[i].msg && typeof out[i].msg === 'object') out[i].msg[edit.field] = edit.value;
    }
  }
  return [header, ...out].map((r) => JSON.stringify(r)).join('\n');
}

describe('the engine on arbitrarily broken recordings', () => {
  it('reports findings or a SessionError, never crashes', () => {
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 8 }), (edits) => {
        const text = apply(edits);
        try {
          const report = verifySessionText(text, 'fuzz.session.jsonl', { rules, profile });
          for (const v of [...report.violations, ...report.warnings]) {
            expect(typeof v.message).toBe('string');
            expect(v.line).toBeGreaterThan(0);
          }
        } catch (err) {
          if (!(err instanceof SessionError)) throw err;
        }
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });

  it('finds something when an event of a run is dropped from every tab', () => {
    const dropped = records.filter(
      (r) => !(r.kind === 'frame' && r.msg?.run_id === 'run_a1b2c3d4e5' && r.msg?.seq === 4),
    );
    const report = verifySessionText([header, ...dropped].map((r) => JSON.stringify(r)).join('\n'), 'x', {
      rules,
      profile,
    });
    expect(report.violations.map((v) => v.rule)).toEqual(['seq.contiguous', 'seq.contiguous']);
  });
});
