import { existsSync, readdirSync } from 'fs';
import path from 'path';
import { loadRules } from '../../../src/rules';
import { verifySessions, type SessionReport } from '../../../src/verify/offline';
import { loadProtocol } from '../../../src/protocol';
import { COMPANIONS, FIXTURE_PROTOCOL } from './make-fixtures';

const FIXTURES = path.resolve(__dirname, '../../../contracts/fixtures');
const BASE = path.join(FIXTURES, 'base', 'base.session.jsonl');
const NEGATIVE = path.join(FIXTURES, 'negative');
const rules = loadRules();

function reported(session: SessionReport): string[] {
  return [...new Set([...session.violations, ...session.warnings].map((v) => v.rule))].sort();
}

describe('negative fixtures (contracts/fixtures/negative/<rule-id>.session.jsonl)', () => {
  it('the base session holds every rule, with no warning either', async () => {
    const report = await verifySessions([BASE], { profile: 'local', rules });
    const [session] = report.sessions;
    expect(session.error).toBeUndefined();
    expect(session.violations).toEqual([]);
    expect(session.warnings).toEqual([]);
    expect(session.stats).toMatchObject({ users: 2, conns: 5, runs: 3, unobservedRuns: 0 });
  });

  it('every rule has a fixture, and every fixture is named after a rule', () => {
    const ids = rules.rules.map((r) => r.id);
    const files = readdirSync(NEGATIVE).filter((f) => f.endsWith('.session.jsonl'));
    for (const id of ids) expect(existsSync(path.join(NEGATIVE, `${id}.session.jsonl`))).toBe(true);
    expect(files.map((f) => f.replace('.session.jsonl', '')).sort()).toEqual([...ids].sort());
  });

  describe.each(rules.rules.map((r) => [r.id, r.severity] as const))('%s', (id, severity) => {
    it('is reported, and nothing unrelated is', async () => {
      const file = path.join(NEGATIVE, `${id}.session.jsonl`);
      const protocol = { ...loadProtocol(), ...FIXTURE_PROTOCOL[id] };
      const report = await verifySessions([file], { profile: 'local', rules, protocol });
      const [session] = report.sessions;
      expect(session.error).toBeUndefined();
      expect(reported(session)).toEqual([id, ...(COMPANIONS[id] ?? [])].sort());
      const findings = [...session.violations, ...session.warnings].filter((v) => v.rule === id);
      expect(findings.length).toBeGreaterThan(0);
      for (const v of findings) {
        expect(v.line).toBeGreaterThan(1);
        expect(v.line).toBeLessThanOrEqual(session.stats!.lines);
        expect(v.message.length).toBeGreaterThan(20);
      }
      // A warning-only rule does not fail the session; an error rule does.
      expect(session.ok).toBe(severity === 'warning' && session.violations.length === 0);
    });
  });

  it('an unknown server type is a violation when the contract does not promise a tolerant reader', async () => {
    const file = path.join(NEGATIVE, 'schema.unknown-server-type.session.jsonl');
    const protocol = { ...loadProtocol(), tolerantReader: false };
    const [session] = (await verifySessions([file], { profile: 'local', rules, protocol })).sessions;
    expect(reported(session)).toEqual(['schema.server-message']);
  });
});
