// A token source whose tokens all name one principal (an OAuth 2.0 client_credentials grant, one static token):
// scenarios that need distinct users are skipped with the source's reason; single-user ones run as that principal.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenSource } from '../../../../src/verify/auth/types';
import { runConformance } from '../../../../src/verify/conformance';
import { replayFile } from '../../../../src/verify/replay';
import { loadScenario } from '../../../../src/verify/scenarios';
import { ROOT, startPython } from '../support/providers';

describe('a target whose tokens all name one principal', () => {
  it('runs single-user scenarios as that principal and skips the ones that need distinct users', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'netra-shared-'));
    const python = await startPython();
    try {
      const inner = python.target.auth;
      const shared: TokenSource & { sharedIdentity: string } = {
        kind: 'test-client-credentials',
        sharedIdentity: 'every token names the client svc-conformance',
        supports: (kind) => inner.supports(kind),
        token: (request) => inner.token({ ...request, user: 'svc-conformance' }),
        secrets: () => inner.secrets(),
      };
      const target = { ...python.target, auth: shared };
      const scenarios = ['first-message', 'five-users'].map((n) =>
        loadScenario(path.join(ROOT, 'contracts', 'scenarios', `${n}.yaml`)),
      );
      const report = await runConformance({ target, outDir: out, scenarios, tiers: ['easy', 'medium'], profile: 'ci' });
      expect(report.scenarios.map((s) => [s.name, s.ok, s.skipped, s.reason])).toEqual([
        ['first-message', true, false, null],
        ['five-users', false, true, 'the scenario needs distinct users; every token names the client svc-conformance'],
      ]);
      const replay = await replayFile(path.join(ROOT, 'contracts', 'sessions', 'first-message.session.jsonl'), {
        target,
      });
      expect(replay.skipped).toMatch(/every token names the client svc-conformance/);
    } finally {
      await python.stop();
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
