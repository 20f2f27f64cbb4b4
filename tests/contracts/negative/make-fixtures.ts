// Writes contracts/fixtures/base/base.session.jsonl and, for every rule, an edited copy under
// contracts/fixtures/negative/<rule-id>.session.jsonl that breaks exactly that rule. The files are committed; this
// script documents (and can redo) each edit. Run: npx tsx tests/contracts/negative/make-fixtures.ts
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import {
  errorMessage,
  established,
  RECOMMENDATIONS,
  RunBuilder,
  timestamp,
  type Record_,
} from '../../unit/rules/session-builder';
import { ALICE_RUN, BOB_RUN, buildBaseSession } from './base-session';

const ROOT = path.resolve(__dirname, '../../../contracts/fixtures');

type Edit = (records: Record_[]) => Record_[];
interface Fixture {
  /** The upstream incident or the broken promise the edit models. */
  incident: string;
  edit: Edit;
}

const isFrame = (r: Record_): r is Record_ & { msg: Record<string, any> } =>
  r.kind === 'frame' && typeof r.msg === 'object';
const event = (run: string, seq: number) => (r: Record_) =>
  isFrame(r) && r.dir === 's2c' && r.msg.run_id === run && r.msg.seq === seq;
const ofType = (run: string, type: string) => (r: Record_) =>
  isFrame(r) && r.dir === 's2c' && r.msg.run_id === run && r.msg.type === type;
const on = (conn: string, pred: (r: Record_) => boolean) => (r: Record_) => r.conn === conn && pred(r);

function clone(records: Record_[]): Record_[] {
  return JSON.parse(JSON.stringify(records));
}

/** Changes the message of every copy of the matching frames. */
function patch(pred: (r: Record_) => boolean, change: (msg: Record<string, any>) => void): Edit {
  return (records) => {
    const hits = records.filter(pred);
    if (hits.length === 0) throw new Error('patch matched nothing');
    for (const r of hits) change(r.msg as Record<string, any>);
    return records;
  };
}

function remove(pred: (r: Record_) => boolean): Edit {
  return (records) => {
    const kept = records.filter((r) => !pred(r));
    if (kept.length === records.length) throw new Error('remove matched nothing');
    return kept;
  };
}

/** Inserts records after the last record matching `pred`. */
function insertAfter(pred: (r: Record_) => boolean, make: (anchor: Record_) => Record_[]): Edit {
  return (records) => {
    let index = -1;
    records.forEach((r, i) => pred(r) && (index = i));
    if (index === -1) throw new Error('insertAfter matched nothing');
    records.splice(index + 1, 0, ...make(records[index]));
    return records;
  };
}

/** Adds delta to seq of every event of the run with seq >= from (keeps the numbering gap-free after an edit). */
function renumber(run: string, from: number, delta: number): Edit {
  return (records) => {
    for (const r of records)
      if (isFrame(r) && r.dir === 's2c' && r.msg.run_id === run && r.msg.seq >= from) r.msg.seq += delta;
    return records;
  };
}

/** Delays every record from time `from` on by delta ms (server timestamps move along). */
function delay(from: number, delta: number): Edit {
  return (records) => {
    for (const r of records) {
      if ((r.t as number) < from) continue;
      r.t = (r.t as number) + delta;
      if (isFrame(r) && typeof r.msg.timestamp === 'string')
        r.msg.timestamp = new Date(Date.parse(r.msg.timestamp) + delta).toISOString();
    }
    return records;
  };
}

function chain(...edits: Edit[]): Edit {
  return (records) => edits.reduce((acc, edit) => edit(acc), records);
}

const frameRec = (t: number, conn: string, dir: 'c2s' | 's2c', msg: unknown): Record_ => ({
  kind: 'frame',
  t,
  conn,
  dir,
  msg,
});
const copyTo =
  (conn: string, dt: number) =>
  (anchor: Record_): Record_[] => [{ ...clone([anchor])[0], conn, t: (anchor.t as number) + dt }];
const copyAs =
  (dt: number, change: (msg: Record<string, any>) => void) =>
  (anchor: Record_): Record_[] => {
    const copy = clone([anchor])[0] as Record_ & { msg: Record<string, any> };
    copy.t = (anchor.t as number) + dt;
    change(copy.msg);
    return [copy];
  };
const bothTabs = (pred: (r: Record_) => boolean, make: (anchor: Record_) => Record_[]): Edit =>
  chain(insertAfter(on('alice-tab1', pred), make), insertAfter(on('alice-tab2', pred), make));

const INVALID_START = { type: 'start_agent', request_id: 'req-a9', content: 'Optimise my costs' };

export const FIXTURES: Record<string, Fixture> = {
  'schema.server-message': {
    incident: 'an agent_thinking with empty reasoning (the schema says never empty)',
    edit: patch(event(ALICE_RUN, 2), (m) => (m.reasoning = '')),
  },
  'schema.client-message': {
    incident: "upstream's misspelt field: start_agent with `content` instead of `user_request` (refused properly)",
    edit: insertAfter(on('alice-tab1', event(ALICE_RUN, 3)), (a) => [
      frameRec((a.t as number) + 2, 'alice-tab1', 'c2s', INVALID_START),
      frameRec(
        (a.t as number) + 4,
        'alice-tab1',
        's2c',
        errorMessage('SCHEMA_VALIDATION_FAILED', 'start_agent: /user_request is required', (a.t as number) + 4, {
          request_id: 'req-a9',
        }),
      ),
    ]),
  },
  'order.first-event-is-started': {
    incident: 'the run begins with agent_thinking: agent_started was never sent',
    edit: chain(
      remove(event(ALICE_RUN, 2)),
      patch(event(ALICE_RUN, 1), (m) => {
        for (const key of Object.keys(m)) delete m[key];
        Object.assign(m, {
          type: 'agent_thinking',
          event_id: 'evt_a1b2c3d4e5_1',
          run_id: ALICE_RUN,
          thread_id: 'thr_alice00001',
          user_id: 'alice',
          agent_name: 'cost_optimizer',
          seq: 1,
          timestamp: timestamp(142),
          reasoning: 'Pricing the current spend first.',
          step_number: 1,
        });
      }),
      renumber(ALICE_RUN, 3, -1),
    ),
  },
  'order.single-terminal': {
    incident: 'agent_error after agent_completed: two terminal events',
    edit: bothTabs(
      event(ALICE_RUN, 10),
      copyAs(10, (m) => {
        const { event_id, run_id, thread_id, user_id, agent_name } = m;
        for (const key of Object.keys(m)) delete m[key];
        Object.assign(m, {
          type: 'agent_error',
          event_id: `${event_id}x`,
          run_id,
          thread_id,
          user_id,
          agent_name,
          seq: 11,
          timestamp: timestamp(1510),
          code: 'AGENT_FAILED',
          message: 'Lost the worker.',
          retryable: true,
        });
      }),
    ),
  },
  'order.nothing-after-terminal': {
    incident: 'events after the terminal: an agent_thinking after agent_completed',
    edit: bothTabs(
      event(ALICE_RUN, 10),
      copyAs(10, (m) => {
        const { run_id, thread_id, user_id, agent_name } = m;
        for (const key of Object.keys(m)) delete m[key];
        Object.assign(m, {
          type: 'agent_thinking',
          event_id: 'evt_a1b2c3d4e5_late',
          run_id,
          thread_id,
          user_id,
          agent_name,
          seq: 11,
          timestamp: timestamp(1510),
          reasoning: 'One more thought.',
          step_number: 3,
        });
      }),
    ),
  },
  'order.allowed-transitions': {
    incident: 'the run ends while a tool call is in flight (tool_executing -> agent_completed)',
    edit: chain(remove(event(ALICE_RUN, 9)), remove(event(ALICE_RUN, 8)), renumber(ALICE_RUN, 10, -2)),
  },
  'pair.completed-before-terminal': {
    incident: 'a missing tool_completed: call_a1 is never closed',
    edit: chain(remove(event(ALICE_RUN, 4)), renumber(ALICE_RUN, 5, -1)),
  },
  'pair.no-orphan-completion': {
    incident: 'a tool_completed for a call that was never executed',
    edit: chain(
      renumber(ALICE_RUN, 5, 1),
      bothTabs(
        event(ALICE_RUN, 4),
        copyAs(5, (m) =>
          Object.assign(m, {
            seq: 5,
            event_id: 'evt_a1b2c3d4e5_orphan',
            tool_call_id: 'call_a9',
            tool_name: 'cost_analyzer',
          }),
        ),
      ),
    ),
  },
  'pair.no-duplicate': {
    incident: 'the same tool call completed twice',
    edit: chain(
      renumber(ALICE_RUN, 5, 1),
      bothTabs(
        event(ALICE_RUN, 4),
        copyAs(5, (m) => Object.assign(m, { seq: 5, event_id: 'evt_a1b2c3d4e5_dup' })),
      ),
    ),
  },
  'seq.starts-at-one': {
    incident: 'the run is numbered from 2',
    edit: renumber(ALICE_RUN, 1, 1),
  },
  'seq.contiguous': {
    incident: 'a seq skipped by the server (5 never sent)',
    edit: renumber(ALICE_RUN, 5, 1),
  },
  'seq.no-repeat': {
    incident: 'one tab gets the same event twice',
    edit: insertAfter(on('alice-tab2', event(ALICE_RUN, 2)), copyTo('alice-tab2', 1)),
  },
  'seq.resume-continues': {
    incident: 'the resumed stream repeats seq 4, which the client said it had',
    edit: insertAfter(
      on('bob-2', (r) => isFrame(r) && r.msg.type === 'resume'),
      () => [
        frameRec(1108, 'bob-2', 's2c', {
          type: 'tool_completed',
          event_id: 'evt_b9y8x7w6v5_4',
          run_id: BOB_RUN,
          thread_id: 'thr_bob0000001',
          user_id: 'bob',
          agent_name: 'spend_forecaster',
          seq: 4,
          timestamp: timestamp(800),
          tool_call_id: 'call_b1',
          tool_name: 'usage_forecaster',
          status: 'success',
          results: { next_quarter_usd: 41200 },
          execution_time_ms: 190,
        }),
      ],
    ),
  },
  'correlation.run-fields-constant': {
    incident: 'thread_id changes in the middle of a run',
    edit: patch(event(ALICE_RUN, 5), (m) => (m.thread_id = 'thr_other00001')),
  },
  'correlation.request-id-matches-start': {
    incident: 'agent_started echoes a request_id nobody sent',
    edit: patch(event(ALICE_RUN, 1), (m) => (m.request_id = 'req-zz')),
  },
  'correlation.tool-pair-names-match': {
    incident: 'the two halves of a tool call name different tools',
    edit: patch(event(ALICE_RUN, 6), (m) => (m.tool_name = 'price_lookup')),
  },
  'isolation.event-user-matches-token': {
    incident: 'run_id used as user_id',
    edit: patch(
      (r) => isFrame(r) && r.dir === 's2c' && r.msg.run_id === ALICE_RUN && r.msg.type !== 'error_message',
      (m) => (m.user_id = ALICE_RUN),
    ),
  },
  'isolation.no-foreign-run': {
    incident: "another user's event on a connection: bob's agent_thinking reaches alice's tab",
    edit: insertAfter(on('bob-1', event(BOB_RUN, 2)), copyTo('alice-tab1', 1)),
  },
  'isolation.every-connection-receives': {
    incident: 'only the newest tab receives events: the older tab gets nothing of the run',
    edit: remove(on('alice-tab1', (r) => isFrame(r) && r.dir === 's2c' && r.msg.run_id === ALICE_RUN)),
  },
  'timing.first-event': {
    incident: 'agent_started 242 ms after start_agent (local profile: 100 ms)',
    edit: delay(142, 200),
  },
  'timing.terminal': {
    incident: 'runs that trickle on for 49 s, never silent for 15 s, but far past the 45 s limit',
    edit: chain(delay(1200, 12000), delay(950, 12000), delay(700, 12000), delay(400, 12000)),
  },
  'timing.no-silence': {
    incident: 'a run falls silent for 20 s, then carries on',
    edit: delay(1200, 20000),
  },
  'value.final-response-length': {
    incident: 'a one-line answer',
    edit: patch(event(ALICE_RUN, 10), (m) => (m.final_response = 'Saves $4,125.50 a month.')),
  },
  'value.response-quotes-figures': {
    incident: 'a canned answer with no figures',
    edit: patch(
      event(ALICE_RUN, 10),
      (m) => (m.final_response = 'I have analysed your usage and found several ways to optimise your AI spend.'),
    ),
  },
  'value.min-recommendations': {
    incident: 'only two recommendations',
    edit: patch(event(ALICE_RUN, 10), (m) => {
      m.result.recommendations = RECOMMENDATIONS.slice(0, 2);
      m.result.total_estimated_monthly_savings_usd = 3525.5;
    }),
  },
  'value.savings-quantified': {
    incident: 'a recommendation without a saving (0 USD)',
    edit: patch(event(ALICE_RUN, 10), (m) => {
      m.result.recommendations = RECOMMENDATIONS.map((r, i) =>
        i === 2 ? { ...r, estimated_monthly_savings_usd: 0 } : r,
      );
      m.result.total_estimated_monthly_savings_usd = 3525.5;
    }),
  },
  'value.total-matches-sum': {
    incident: 'the stated total is not the sum of the savings',
    edit: patch(event(ALICE_RUN, 10), (m) => (m.result.total_estimated_monthly_savings_usd = 5000)),
  },
  'protocol.connection-established-first': {
    incident: 'a tab gets run events without ever getting connection_established',
    edit: remove(on('alice-tab2', (r) => isFrame(r) && r.msg.type === 'connection_established')),
  },
  'protocol.auth-failure-closes-1008': {
    incident: 'an auth failure closed with 1000 instead of 1008',
    edit: (records) => {
      const close = records.find((r) => r.kind === 'close' && r.conn === 'anon-1') as Record_;
      close.code = 1000;
      close.reason = 'bye';
      return records;
    },
  },
  'protocol.rejection-answered': {
    incident: 'a frame that is not JSON is silently ignored',
    edit: insertAfter(on('alice-tab1', event(ALICE_RUN, 3)), (a) => [
      {
        kind: 'frame',
        t: (a.t as number) + 2,
        conn: 'alice-tab1',
        dir: 'c2s',
        raw: '{"type":"start_agent","request_id":"req-a9",',
      },
    ]),
  },
  'protocol.start-answered': {
    incident: 'a start_agent that gets neither agent_started nor error_message',
    edit: insertAfter(
      on('alice-tab1', (r) => isFrame(r) && r.msg.type === 'agent_completed' && r.msg.status === 'cancelled'),
      (a) => [
        frameRec((a.t as number) + 50, 'alice-tab1', 'c2s', {
          type: 'start_agent',
          request_id: 'req-a4',
          user_request: 'One more question.',
        }),
      ],
    ),
  },
  'protocol.bad-credential-refused': {
    incident: 'a provider accepts an expired token: connection_established instead of a refusal',
    edit: insertAfter(
      (r) => r.kind === 'close' && r.conn === 'anon-1',
      () => [
        { kind: 'open', t: 87, conn: 'mallory-1', user: 'mallory', token_kind: 'expired' },
        frameRec(90, 'mallory-1', 's2c', established('mallory-1', 'mallory', 90)),
        { kind: 'close', t: 95, conn: 'mallory-1', code: 1000, reason: 'bye', by: 'client' },
      ],
    ),
  },
  'protocol.connection-refusal-justified': {
    incident: 'a third tab of alice refused with TOO_MANY_CONNECTIONS though she holds two (the limit is 5)',
    edit: insertAfter(
      (r) => r.kind === 'close' && r.conn === 'anon-1',
      () => [
        { kind: 'open', t: 87, conn: 'alice-tab3', user: 'alice' },
        frameRec(89, 'alice-tab3', 's2c', errorMessage('TOO_MANY_CONNECTIONS', 'Too many connections.', 89)),
        { kind: 'close', t: 90, conn: 'alice-tab3', code: 1008, reason: 'too many connections', by: 'server' },
      ],
    ),
  },
  'protocol.connection-limit-enforced': {
    incident: 'a sixth connection of alice accepted while she holds five (the limit is not enforced)',
    edit: (records) => [...records, ...aliceTabsPastTheLimit()],
  },
  'protocol.run-refusal-justified': {
    incident: "bob's start_agent refused with TOO_MANY_RUNS while he has no run going",
    edit: insertAfter(
      on('bob-2', (r) => isFrame(r) && r.msg.error_code === 'FORBIDDEN'),
      () => [
        frameRec(1460, 'bob-2', 'c2s', { type: 'start_agent', request_id: 'req-b3', user_request: 'Again, please.' }),
        frameRec(1462, 'bob-2', 's2c', errorMessage('TOO_MANY_RUNS', 'Too many runs.', 1462, { request_id: 'req-b3' })),
      ],
    ),
  },
  'protocol.run-limit-enforced': {
    incident: 'carol gets eleven runs going at once (the limit is 10)',
    edit: (records) => [...records, ...carolsElevenRuns()],
  },
  'protocol.refused-start-starts-nothing': {
    incident: "bob's start_agent is refused (SERVER_DRAINING), and its run starts anyway",
    edit: insertAfter(
      on('bob-2', (r) => isFrame(r) && r.msg.error_code === 'FORBIDDEN'),
      () => {
        const run = new RunBuilder({ runId: 'run_b3refused1', user: 'bob', requestId: 'req-b3' });
        return [
          frameRec(1460, 'bob-2', 'c2s', run.startAgent('Again, please.')),
          frameRec(1462, 'bob-2', 's2c', errorMessage('SERVER_DRAINING', 'Draining.', 1462, { request_id: 'req-b3' })),
          frameRec(1470, 'bob-2', 's2c', run.started(1470)),
          frameRec(1480, 'bob-2', 's2c', run.completed(1480)),
        ];
      },
    ),
  },
  'schema.unknown-server-type': {
    incident: 'a newer server sends a message type this contract does not know (tolerated by the promise)',
    edit: insertAfter(
      on('alice-tab1', (r) => isFrame(r) && r.msg.type === 'auth_refresh'),
      () => [frameRec(1560, 'alice-tab1', 's2c', { type: 'server_notice', text: 'Maintenance tonight at 22:00 UTC.' })],
    ),
  },
  'protocol.run-ends': {
    incident: 'a run that silently never ends while its user stays connected',
    edit: remove(ofType(BOB_RUN, 'agent_error')),
  },
};

/** Extra findings a fixture cannot avoid: the invalid client frame it adds is also a client-schema warning. */
export const COMPANIONS: Record<string, string[]> = {
  'protocol.rejection-answered': ['schema.client-message'],
  // Every edge the lifecycle forbids now is also a pairing fault (the run ends with a call open).
  'order.allowed-transitions': ['pair.completed-before-terminal'],
};

/** Fixtures that show their rule under a promise of the contract (checked with these protocol fields). */
export const FIXTURE_PROTOCOL: Record<string, { tolerantReader?: boolean }> = {
  'schema.unknown-server-type': { tolerantReader: true },
};

/** alice opens tabs 3-8 after her runs (her first two are closed by then): five held when tab8 is accepted. */
function aliceTabsPastTheLimit(): Record_[] {
  const out: Record_[] = [];
  const tabs = ['alice-tab3', 'alice-tab4', 'alice-tab5', 'alice-tab6', 'alice-tab7', 'alice-tab8'];
  tabs.forEach((conn, i) => {
    const t = 2100 + i * 10;
    out.push({ kind: 'open', t, conn, user: 'alice' }, frameRec(t + 3, conn, 's2c', established(conn, 'alice', t + 3)));
  });
  tabs.forEach((conn, i) => out.push({ kind: 'close', t: 2600 + i, conn, code: 1000, reason: 'done', by: 'client' }));
  return out;
}

/** carol starts eleven runs 20 ms apart; they all go on for half a second. */
function carolsElevenRuns(): Record_[] {
  const out: Record_[] = [
    { kind: 'open', t: 2100, conn: 'carol-1', user: 'carol' },
    frameRec(2105, 'carol-1', 's2c', established('carol-1', 'carol', 2105)),
  ];
  const runs = Array.from(
    { length: 11 },
    (_, k) =>
      new RunBuilder({ runId: `run_carol${String(k).padStart(5, '0')}`, user: 'carol', requestId: `req-c${k}` }),
  );
  runs.forEach((run, k) => {
    const t = 2110 + k * 20;
    out.push(frameRec(t, 'carol-1', 'c2s', run.startAgent()), frameRec(t + 5, 'carol-1', 's2c', run.started(t + 5)));
  });
  runs.forEach((run, k) => out.push(frameRec(2700 + k * 10, 'carol-1', 's2c', run.completed(2700 + k * 10))));
  out.push({ kind: 'close', t: 3000, conn: 'carol-1', code: 1000, reason: 'done', by: 'client' });
  return out;
}

function toText(header: Record_, records: Record_[]): string {
  return `${[header, ...records].map((r) => JSON.stringify(r)).join('\n')}\n`;
}

export function writeFixtures(): string[] {
  const base = buildBaseSession();
  const [header, ...records] = base
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record_);
  mkdirSync(path.join(ROOT, 'base'), { recursive: true });
  mkdirSync(path.join(ROOT, 'negative'), { recursive: true });
  const written = [path.join(ROOT, 'base', 'base.session.jsonl')];
  writeFileSync(written[0], toText(header, records));
  for (const [rule, fixture] of Object.entries(FIXTURES)) {
    const edited = fixture.edit(clone(records));
    const file = path.join(ROOT, 'negative', `${rule}.session.jsonl`);
    writeFileSync(file, toText({ ...header, scenario: `negative ${rule}: ${fixture.incident}` }, edited));
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  for (const file of writeFixtures()) process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
}
