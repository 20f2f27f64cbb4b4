import type { LoadReport } from '../../../../src/verify/load';
import { loadEmbedded, quickMix } from './helpers';

// Tokens that live 5 s in a 5 s run (refreshed after 4 s): every user refreshes (single-use refresh token) and pushes the new access token
// to its open tab with auth_refresh before the provider would close the connection with TOKEN_EXPIRED.
let report: LoadReport;

beforeAll(async () => {
  ({ report } = await loadEmbedded(
    {
      users: 3,
      durationS: 5,
      rampS: 0,
      drainS: 20,
      profile: 'ci',
      tokenTtlS: 5,
      mix: quickMix({ requests: quickMix().requests.filter((r) => r.dropAfterEvents === undefined) }),
    },
    { thinkMs: 10, toolMs: 10, jitter: 0 },
  ));
}, 60_000);

test('each user got its own token and refreshed it before expiry', () => {
  expect(report.auth.tokens).toBe(3);
  expect(report.auth.refreshes).toBeGreaterThanOrEqual(3);
});

test('no connection was closed for an expired token, and the run stayed clean', () => {
  expect(report.errors).not.toHaveProperty('TOKEN_EXPIRED');
  expect(report.connections.server_closes).toBe(0);
  expect(report.connections.opened).toBe(3);
  expect(report.runs.failed).toBe(0);
  expect(report.events.delivered).toBe(report.events.expected);
  expect(report.violations).toEqual({});
});
