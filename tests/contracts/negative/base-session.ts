// The hand-made valid base session every negative fixture is an edited copy of. It passes every rule:
//   alice: two tabs (tab1 from t=0, tab2 from t=40); a run with three tool pairs fanned out to both tabs; later,
//          with tab2 closed, a second run she cancels; an auth_refresh (token redacted) in between.
//   bob:   one run; his connection is closed as a slow consumer (1013) mid-run, he reconnects and resumes from
//          seq 4, the replay and the live tail come, a tool fails and the run ends with agent_error; he tries to
//          cancel alice's run and is refused (FORBIDDEN).
//   anon:  a connection whose token is refused: AUTH_FAILED, then close 1008.
// Until recorded sessions exist, this is the reference; the lead re-derives the fixtures from real recordings later.
import {
  RECOMMENDATIONS,
  RunBuilder,
  SessionBuilder,
  errorMessage,
  established,
  timestamp,
} from '../../unit/rules/session-builder';

export const ALICE_RUN = 'run_a1b2c3d4e5';
export const ALICE_RUN_2 = 'run_a2cancel01';
export const BOB_RUN = 'run_b9y8x7w6v5';

export function buildBaseSession(): SessionBuilder {
  const b = new SessionBuilder(
    'base: two users, two tabs, tool pairs, resume, cancel, auth failure',
    'hand-written reference',
  );
  const aliceTabs = ['alice-tab1', 'alice-tab2'];
  const alice = new RunBuilder({ runId: ALICE_RUN, user: 'alice', requestId: 'req-a1', threadId: 'thr_alice00001' });
  const bob = new RunBuilder({
    runId: BOB_RUN,
    user: 'bob',
    requestId: 'req-b1',
    threadId: 'thr_bob0000001',
    agentName: 'spend_forecaster',
  });
  const alice2 = new RunBuilder({ runId: ALICE_RUN_2, user: 'alice', requestId: 'req-a2', threadId: 'thr_alice00001' });

  b.open('alice-tab1', 'alice', 0).s2c('alice-tab1', established('alice-tab1', 'alice', 12), 12);
  b.open('alice-tab2', 'alice', 40).s2c('alice-tab2', established('alice-tab2', 'alice', 51), 51);
  b.open('bob-1', 'bob', 60).s2c('bob-1', established('bob-1', 'bob', 70), 70);
  b.open('anon-1', null, 80)
    .s2c('anon-1', errorMessage('AUTH_FAILED', 'The access token was refused.', 85), 85)
    .close('anon-1', 1008, 'server', 86, 'authentication failed');

  b.c2s(
    'alice-tab1',
    {
      ...alice.startAgent(),
      context: {
        workload: [
          {
            model: 'gpt-4o',
            requests_per_month: 1200000,
            avg_input_tokens: 1800,
            avg_output_tokens: 350,
            latency_sensitivity: 'high',
            cache_hit_potential: 0.35,
          },
          {
            model: 'claude-3-5-sonnet',
            requests_per_month: 400000,
            avg_input_tokens: 2500,
            avg_output_tokens: 600,
            latency_sensitivity: 'low',
            cache_hit_potential: 0.5,
          },
        ],
      },
    },
    100,
  );
  b.emit(aliceTabs, alice.started(142), 142);
  b.emit(aliceTabs, alice.thinking(260), 260);
  b.c2s('bob-1', bob.startAgent('Forecast next quarter of our AI spend.'), 300);
  b.s2c('bob-1', bob.started(338), 338);
  b.emit(aliceTabs, alice.toolExecuting(400, 'call_a1', 'cost_analyzer', { models: 2 }), 400);
  b.s2c('bob-1', bob.thinking(450, 'Reading 3 months of usage to project the next quarter.'), 450);
  b.s2c('bob-1', bob.toolExecuting(560, 'call_b1', 'usage_forecaster', { months: 3 }), 560);
  b.emit(aliceTabs, alice.toolCompleted(610, 'call_a1', 'cost_analyzer', { monthly_spend_usd: 12960 }), 610);
  b.emit(aliceTabs, alice.toolExecuting(700, 'call_a2', 'cache_estimator', { model: 'claude-3-5-sonnet' }), 700);
  b.s2c('bob-1', bob.toolCompleted(800, 'call_b1', 'usage_forecaster', { next_quarter_usd: 41200 }), 800);
  b.emit(aliceTabs, alice.toolCompleted(880, 'call_a2', 'cache_estimator', { savings_usd: 1125.5 }), 880);
  b.close('bob-1', 1013, 'server', 900, 'slow consumer: reconnect and resume');
  b.emit(aliceTabs, alice.toolExecuting(950, 'call_a3', 'batch_planner', { model: 'claude-3-5-sonnet' }), 950);
  // Emitted while bob had no connection: his new connection gets them by resume.
  const bobThinking = bob.thinking(1000, 'Pricing the forecast against the current rate card.');
  const bobTool = bob.toolExecuting(1020, 'call_b2', 'price_lookup', { model: 'mystery-llm' });
  b.open('bob-2', 'bob', 1050).s2c('bob-2', established('bob-2', 'bob', 1060), 1060);
  b.c2s('bob-2', { type: 'resume', run_id: BOB_RUN, last_seq: 4 }, 1065);
  b.emit(aliceTabs, alice.toolCompleted(1100, 'call_a3', 'batch_planner', { savings_usd: 600 }), 1100);
  b.s2c('bob-2', bobThinking, 1110).s2c('bob-2', bobTool, 1111);
  b.emit(aliceTabs, alice.thinking(1200, 'Three changes found; adding up the savings.'), 1200);
  b.s2c(
    'bob-2',
    bob.toolCompleted(
      1300,
      'call_b2',
      'price_lookup',
      {},
      { status: 'error', error: { code: 'PRICE_UNKNOWN', message: "No price for model 'mystery-llm'." } },
    ),
    1300,
  );
  b.s2c('bob-2', bob.error(1400), 1400);
  b.c2s('bob-2', { type: 'cancel_run', run_id: ALICE_RUN, request_id: 'req-b2' }, 1450);
  b.s2c('bob-2', errorMessage('FORBIDDEN', 'No such run.', 1452, { request_id: 'req-b2', run_id: ALICE_RUN }), 1452);
  b.emit(
    aliceTabs,
    alice.completed(1500, {
      result: {
        currency: 'USD',
        current_monthly_spend_usd: 12960,
        total_estimated_monthly_savings_usd: 4125.5,
        recommendations: RECOMMENDATIONS,
      },
    }),
    1500,
  );
  b.c2s('alice-tab1', { type: 'auth_refresh', token: '<redacted>' }, 1550);
  b.close('alice-tab2', 1000, 'client', 1600, 'tab closed');
  b.c2s('alice-tab1', alice2.startAgent('And what if we only cache?'), 1700);
  b.s2c('alice-tab1', alice2.started(1735), 1735);
  b.s2c('alice-tab1', alice2.thinking(1800, 'Looking at cache hit potential per model.'), 1800);
  b.c2s('alice-tab1', { type: 'cancel_run', run_id: ALICE_RUN_2, request_id: 'req-a3' }, 1850);
  b.s2c(
    'alice-tab1',
    alice2.completed(1900, {
      status: 'cancelled',
      final_response: 'Cancelled at your request; nothing was concluded yet.',
      result: { currency: 'USD', total_estimated_monthly_savings_usd: 0, recommendations: [] },
      execution_time_ms: 165,
    }),
    1900,
  );
  b.close('alice-tab1', 1000, 'client', 2000, 'done');
  b.close('bob-2', 1000, 'client', 2001, 'done');
  return b;
}

export { timestamp };
