import { loadProfiles, loadRules } from '../../../src/rules';
import { formatJunit, formatText, toJson, type VerifyReport } from '../../../src/verify/offline';

const rules = loadRules().rules;
const violation = (line: number, rule = 'seq.contiguous') => ({
  rule,
  conn: 'c1',
  line,
  message: `m<${line}> & "q"`,
  severity: 'error' as const,
  frame: { type: 'x', text: 'y'.repeat(400) },
});

function report(): VerifyReport {
  return {
    ok: false,
    profile: loadProfiles().get(),
    rules,
    sessions: [
      { file: 'a.session.jsonl', ok: true, violations: [], warnings: [] },
      {
        file: 'b.session.jsonl',
        ok: false,
        violations: Array.from({ length: 12 }, (_, i) => violation(i + 2)),
        warnings: [],
      },
      {
        file: 'c.session.jsonl',
        ok: false,
        violations: [],
        warnings: [],
        error: { code: 'SESSION_INVALID', message: 'c.session.jsonl:1: bad' },
      },
    ],
  };
}

describe('verify reports', () => {
  it('JSON keeps the fixed shape', () => {
    const json = toJson(report()) as any;
    expect(json.ok).toBe(false);
    expect(json.sessions[1].violations[0]).toEqual({
      rule: 'seq.contiguous',
      conn: 'c1',
      line: 2,
      message: 'm<2> & "q"',
    });
    expect(json.sessions[2].error.code).toBe('SESSION_INVALID');
  });

  it('text shows file:line, rule, message, a truncated frame, caps each rule, and sums up', () => {
    const text = formatText(report());
    expect(text).toContain('b.session.jsonl:2  seq.contiguous  m<2> & "q"\n    conn c1: {"type":"x","text":"yyy');
    expect(text.split('\n').find((l) => l.startsWith('    conn'))!.length).toBeLessThan(180);
    expect(text).toContain('b.session.jsonl  seq.contiguous  ... and 2 more (see --json)');
    expect(text).toContain('b.session.jsonl: FAILED  12 violations of 1 rule');
    expect(text).toContain('c.session.jsonl  UNREADABLE  SESSION_INVALID');
    expect(text.trim().split('\n').pop()).toBe(
      `verify: 3 sessions, 2 failed, 12 violations, 0 warnings (${loadRules().rules.length} rules, profile local)`,
    );
  });

  it('JUnit has one testsuite per session and one testcase per rule, escaped, without timestamps', () => {
    const xml = formatJunit(report());
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain(`<testsuite name="b.session.jsonl" tests="${rules.length}" failures="1" errors="0">`);
    expect(xml).toContain('<failure type="seq.contiguous" message="12 violations: m&lt;2&gt; &amp; &quot;q&quot;">');
    expect(xml).not.toMatch(/timestamp|time=/);
    expect(formatJunit(report())).toBe(xml);
  });
});
