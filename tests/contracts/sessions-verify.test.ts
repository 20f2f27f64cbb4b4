// Every committed recording holds every rule, and there is one for every scenario of the easy, medium and hard tiers
// (the stress tier is recorded by `conformance --tier stress` only: a hundred users make no readable example).
import { readSession } from '../../src/sessions';
import { loadScenarios } from '../../src/verify/scenarios';
import { verifySessions } from '../../src/verify/offline';
import { SCENARIOS_DIR, nameOf, sessionFiles } from './support/sessions';

const REQUIRED = [
  'first-message',
  'multi-tool',
  'two-tabs',
  'five-users',
  'drop-resume',
  'token-refresh',
  'token-expiry',
  'auth-expired',
  'auth-alg-none',
  'auth-wrong-audience',
  'auth-recovery',
  'bad-input',
  'agent-error',
  'cancelled-run',
];

describe('committed sessions (contracts/sessions)', () => {
  it('has a recording of every scenario (but stress), and of those the contract requires', () => {
    const sessions = sessionFiles().map(nameOf);
    const scenarios = loadScenarios(SCENARIOS_DIR)
      .filter((s) => s.tier !== 'stress')
      .map((s) => s.name);
    expect(sessions).toEqual(expect.arrayContaining(REQUIRED));
    expect(sessions).toEqual(scenarios);
  });

  it('every session verifies: schemas and every behavioural rule', async () => {
    const report = await verifySessions(sessionFiles());
    const failures = report.sessions.flatMap((s) =>
      [...s.violations, ...(s.error ? [{ rule: s.error.code, message: s.error.message, line: 0 }] : [])].map(
        (v) => `${nameOf(s.file)}:${v.line} ${v.rule} ${v.message}`,
      ),
    );
    expect(failures).toEqual([]);
    expect(report.sessions).toHaveLength(sessionFiles().length);
    expect(report.ok).toBe(true);
  });

  it.each(sessionFiles().map((f) => [nameOf(f), f]))(
    '%s was recorded from the reference provider, tokens redacted',
    async (name, file) => {
      const session = await readSession(file);
      expect(session.header.scenario).toBe(name);
      expect(session.header.spec).toBe('Netra Agent WebSocket@1.0.0');
      expect(session.header.provider).toMatch(/^netra-reference@/);
      const text = JSON.stringify(session.records);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
      for (const r of session.records) {
        if (r.kind === 'frame' && r.dir === 'c2s' && (r.msg as { type?: string })?.type === 'auth_refresh') {
          expect((r.msg as { token: string }).token).toBe('<redacted>');
        }
      }
      // Readable, stable connection ids: <user>-<n> (<user>.<copy>-<n> in a scenario with copies); an open record
      // names the kind of a deliberately bad token (absent: valid; a connection with no token at all has none).
      for (const r of session.records) {
        if (r.kind !== 'open') continue;
        expect(r.conn).toMatch(/^[a-z]+(\.\d+)?-\d+$/);
        const bad = name.startsWith('auth-') && name !== 'auth-no-token' && r.user === null;
        expect([r.conn, r.token_kind !== undefined]).toEqual([r.conn, bad]);
      }
    },
  );
});
