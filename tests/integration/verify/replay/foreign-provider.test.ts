// Replay judges a provider by the contract, not by our provider's habits: every committed recording of the
// reference provider, replayed against the Python provider (other tools in another order, another agent name, more
// thinking steps, other auth refusal codes, its own clock leeway, HS256 tokens), holds every rule and matches the
// recording in what the contract fixes. The opt-in strict shape is what tells the two agents apart.
import { loadRules } from '../../../../src/rules';
import { readSession } from '../../../../src/sessions';
import { formatReplayReport, replayAll, replaySession } from '../../../../src/verify/replay';
import { sessionFiles } from '../../../contracts/support/sessions';
import { startPython, startReference, type PythonProvider } from '../support/providers';

let python: PythonProvider;
beforeAll(async () => {
  python = await startPython();
});
afterAll(async () => {
  await python.stop();
});

describe('replay against a provider that is not ours', () => {
  it('every committed session: every rule holds and what the contract fixes matches (four at a time)', async () => {
    // Timing is not what this test is about, and a machine shared by parallel test workers is no place to judge it:
    // every rule but the timing family (conformance and the tiers judge timing).
    const all = loadRules();
    const rules = { ...all, rules: all.rules.filter((r) => !r.id.startsWith('timing.')) };
    const reports = await replayAll(sessionFiles(), { target: python.target, rules, concurrency: 4 });
    const failed = reports.filter((r) => !r.ok).map((r) => formatReplayReport(r, 'python'));
    expect(failed).toEqual([]);
    expect(reports.every((r) => r.shape === 'contract' && r.skipped === undefined)).toBe(true);
  }, 240_000);

  it("--shape strict tells the agents apart: tools, agent name and auth codes are the provider's", async () => {
    const report = await replaySession(
      await readSession(sessionFiles().find((f) => f.endsWith('/multi-tool.session.jsonl')) as string),
      {
        target: python.target,
        shape: 'strict',
        profile: 'ci',
      },
    );
    expect(report.ok).toBe(false);
    expect(report.violations).toEqual([]);
    const what = report.differences.map((d) => d.what);
    expect(what).toEqual(expect.arrayContaining(['agent_name', 'events']));
    const auth = await replaySession(
      await readSession(sessionFiles().find((f) => f.endsWith('/auth-alg-none.session.jsonl')) as string),
      {
        target: python.target,
        shape: 'strict',
        profile: 'ci',
      },
    );
    // The reference refuses alg:none with TOKEN_INVALID and so does this one; a wrong type is where they differ.
    const wrongType = await replaySession(
      await readSession(sessionFiles().find((f) => f.endsWith('/auth-wrong-type.session.jsonl')) as string),
      {
        target: python.target,
        profile: 'ci',
      },
    );
    expect([auth.violations, wrongType.ok, wrongType.differences]).toEqual([[], true, []]);
  }, 120_000);
});

describe('replay gives every run of the tool fresh user ids', () => {
  it('replays the same recording twice at once against one provider without either seeing the other', async () => {
    const reference = await startReference();
    try {
      const file = sessionFiles().find((f) => f.endsWith('/two-tabs.session.jsonl')) as string;
      const [a, b] = await replayAll([file, file], { target: reference.target, profile: 'ci' });
      expect([a.ok, b.ok]).toEqual([true, true]);
      const users = (text: string): Set<string> =>
        new Set(text.split('\n').flatMap((l) => (l.includes('"kind":"open"') ? [JSON.parse(l).user as string] : [])));
      const [ua, ub] = [users(a.liveText), users(b.liveText)];
      expect([...ua].every((u) => /^[0-9a-f]{6}\.alice$/.test(u))).toBe(true);
      expect([...ua].some((u) => ub.has(u))).toBe(false);
    } finally {
      await reference.close();
    }
  }, 120_000);
});
