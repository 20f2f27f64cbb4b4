// Events per second through `verify` (read + parse + schemas + every rule) on a large generated session, beside
// schema validation alone and JSON.parse alone, measured in one run. Run: npm run bench:verify
// The session is realistic and valid: 1,000 users (a third with two tabs), several runs each with tool pairs,
// fanned out to every tab, interleaved in time; the bench checks it holds every rule before timing anything.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createChecker, loadProfiles, loadRules, type MessageValidators } from '../src/rules';
import { loadGeneratedValidators } from '../src/protocol';
import { verifySessions, verifySessionText } from '../src/verify/offline';

const USERS = 1000;
const RUNS_PER_USER = 9;
const ROUNDS = 3;

// Deterministic PRNG (mulberry32): every run measures the same session.
let seed = 0x5e551;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (min: number, max: number): number => min + Math.floor(random() * (max - min));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const EPOCH = Date.parse('2026-11-24T10:00:00.000Z');
const stamp = (t: number): string => new Date(EPOCH + t).toISOString();
const WORDS =
  'the model spend cache batch route latency tokens month price request gpt-4o mini claude sonnet saves'.split(' ');
const sentence = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');
const TOOLS = ['cost_analyzer', 'cache_estimator', 'batch_planner', 'model_router', 'price_lookup'];
const RECS = [
  {
    id: 'rec_route',
    title: 'Route simple requests to a smaller model',
    category: 'model_routing',
    estimated_monthly_savings_usd: 2400,
  },
  { id: 'rec_cache', title: 'Cache repeated prompts', category: 'caching', estimated_monthly_savings_usd: 1125.5 },
  { id: 'rec_batch', title: 'Batch latency-tolerant jobs', category: 'batching', estimated_monthly_savings_usd: 600 },
];

interface Rec {
  t: number;
  order: number;
  line: string;
}

/** One user's records: connections, then runs back to back, each event to every tab. */
function userRecords(u: number, out: Rec[]): { runEvents: number } {
  const user = `user-${u}@example.com`;
  const tabs = random() < 0.33 ? [`c${u}a`, `c${u}b`] : [`c${u}a`];
  let order = 0;
  const push = (t: number, record: object): void =>
    void out.push({ t, order: u * 100_000 + order++, line: JSON.stringify(record) });
  let t = between(0, 20_000);
  for (const conn of tabs) {
    push(t, { kind: 'open', t, conn, user });
    push(t + 8, {
      kind: 'frame',
      t: t + 8,
      conn,
      dir: 's2c',
      msg: {
        type: 'connection_established',
        connection_id: `conn_${conn}xxxxxx`,
        user_id: user,
        server_time: stamp(t + 8),
        protocol_version: '1.0',
        heartbeat_interval_ms: 15000,
      },
    });
    t += 20;
  }
  let runEvents = 0;
  for (let r = 0; r < RUNS_PER_USER; r++) {
    t += between(200, 3000);
    const runId = `run_u${u}r${r}xx`;
    const requestId = `req-${u}-${r}`;
    const base = { run_id: runId, thread_id: `thr_u${u}xxxx`, user_id: user, agent_name: 'cost_optimizer' };
    push(t, {
      kind: 'frame',
      t,
      conn: tabs[0],
      dir: 'c2s',
      msg: { type: 'start_agent', request_id: requestId, user_request: sentence(8) },
    });
    let seq = 0;
    const emit = (dt: number, type: string, fields: object): void => {
      t += dt;
      seq++;
      const msg = { type, event_id: `evt_${runId.slice(4)}_${seq}`, ...base, seq, timestamp: stamp(t), ...fields };
      tabs.forEach((conn, i) => push(t + i, { kind: 'frame', t: t + i, conn, dir: 's2c', msg }));
      runEvents += tabs.length;
    };
    emit(between(20, 60), 'agent_started', { request_id: requestId });
    const tools = between(1, 4);
    for (let k = 1; k <= tools; k++) {
      emit(between(50, 300), 'agent_thinking', { reasoning: sentence(between(6, 30)), step_number: k });
      const tool = pick(TOOLS);
      emit(between(20, 80), 'tool_executing', {
        tool_call_id: `call_${k}`,
        tool_name: tool,
        parameters: { models: between(1, 5) },
      });
      emit(between(100, 900), 'tool_completed', {
        tool_call_id: `call_${k}`,
        tool_name: tool,
        status: 'success',
        results: { monthly_spend_usd: between(1000, 50000) },
        execution_time_ms: between(100, 900),
      });
    }
    emit(between(100, 400), 'agent_completed', {
      status: 'success',
      final_response: `Your models cost about $12,960.00 a month; three changes save $4,125.50: ${sentence(20)}.`,
      result: { currency: 'USD', total_estimated_monthly_savings_usd: 4125.5, recommendations: RECS },
      execution_time_ms: between(1000, 5000),
    });
  }
  t += between(500, 2000);
  for (const conn of tabs) push(t, { kind: 'close', t, conn, code: 1000, reason: 'done', by: 'client' });
  return { runEvents };
}

function generate(): { text: string; runEvents: number; frames: number } {
  const records: Rec[] = [];
  let runEvents = 0;
  for (let u = 0; u < USERS; u++) runEvents += userRecords(u, records).runEvents;
  // Interleave the users in time; the trailing closes stay last, as a recorder writes them.
  records.sort((a, b) => a.t - b.t || a.order - b.order);
  const header = JSON.stringify({
    kind: 'header',
    spec: 'Netra Agent WebSocket@1.0.0',
    scenario: 'bench: 1000 users',
    recorded_at: '2026-11-24T10:00:00.000Z',
    provider: 'bench/verify.ts',
  });
  const frames = records.filter((r) => r.line.startsWith('{"kind":"frame"')).length;
  return { text: `${header}\n${records.map((r) => r.line).join('\n')}\n`, runEvents, frames };
}

/** Median ms of ROUNDS runs after one warm-up. */
function measure(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

async function main(): Promise<void> {
  const { text, runEvents, frames } = generate();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-verify-'));
  const file = path.join(dir, 'bench.session.jsonl');
  writeFileSync(file, text);
  try {
    const rules = loadRules();
    const profile = loadProfiles().get('local');
    const validators = loadGeneratedValidators();

    const check = await verifySessions([file], { profile: 'local', rules });
    const session = check.sessions[0];
    if (!session.ok || session.warnings.length) {
      const sample = [...session.violations, ...session.warnings]
        .slice(0, 5)
        .map((v) => `${v.rule} line ${v.line}: ${v.message}`);
      throw new Error(`the generated session should hold every rule:\n${sample.join('\n')}`);
    }
    const stats = session.stats!;

    const lines = text.split('\n').filter((l) => l.length > 0);
    const parsed = lines.map((l) => JSON.parse(l));
    const messages = parsed.filter((r) => r.kind === 'frame').map((r) => [r.dir, r.msg] as const);

    const parseMs = measure(() => {
      for (const l of text.split('\n')) if (l.length) JSON.parse(l);
    });
    const schemaMs = measure(() => {
      for (const [dir, msg] of messages) (dir === 's2c' ? validators.server : validators.client)(msg);
    });
    const parseSchemaMs = measure(() => {
      for (const l of text.split('\n')) {
        if (!l.length) continue;
        const r = JSON.parse(l);
        if (r.kind === 'frame') (r.dir === 's2c' ? validators.server : validators.client)(r.msg);
      }
    });
    const passThrough: MessageValidators = { server: () => ({ ok: true }), client: () => ({ ok: true }) };
    const rulesOnlyMs = measure(() => {
      const checker = createChecker({ rules, profile, validate: passThrough });
      for (const r of parsed) {
        if (r.kind === 'frame') checker.frame(r.conn, r.dir, r.msg, r.raw, r.t);
        else if (r.kind === 'open') checker.open(r.conn, r.user, r.t);
        else if (r.kind === 'close') checker.close(r.conn, r.code, r.reason, r.by, r.t);
      }
      checker.finish();
    });
    const inMemoryMs = measure(() => verifySessionText(text, file, { rules, profile, validate: validators }));
    let fullMs = 0;
    {
      const times: number[] = [];
      for (let i = 0; i <= ROUNDS; i++) {
        const start = performance.now();
        await verifySessions([file], { profile: 'local', rules });
        if (i > 0) times.push(performance.now() - start);
      }
      fullMs = times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
    }

    const mb = statSync(file).size / 1e6;
    const rate = (ms: number): number => frames / (ms / 1000);
    const rows: [string, number][] = [
      ['JSON.parse alone (every line)', parseMs],
      ['schema validation alone (parsed frames)', schemaMs],
      ['JSON.parse + schema validation', parseSchemaMs],
      ['rules alone (parsed, schemas skipped)', rulesOnlyMs],
      ['verify in memory (parse + schemas + rules)', inMemoryMs],
      ['verify FILE (read + parse + schemas + rules)', fullMs],
    ];
    const out: string[] = [];
    out.push(
      `bench:verify  ${USERS} users, ${stats.conns} conns, ${stats.runs} runs, ${frames.toLocaleString('en-US')} frames ` +
        `(${runEvents.toLocaleString('en-US')} run events), ${mb.toFixed(1)} MB; session holds all ${rules.rules.length} rules; ` +
        `median of ${ROUNDS} after a warm-up; node ${process.version}`,
    );
    out.push('');
    out.push(`${'stage'.padEnd(48)}${'ms'.padStart(9)}${'frames/s'.padStart(14)}${'x JSON.parse time'.padStart(20)}`);
    for (const [name, ms] of rows) {
      out.push(
        `${name.padEnd(48)}${ms.toFixed(0).padStart(9)}${Math.round(rate(ms)).toLocaleString('en-US').padStart(14)}${(ms / parseMs).toFixed(2).padStart(20)}`,
      );
    }
    out.push('');
    out.push(
      `full verify costs ${(fullMs / parseSchemaMs).toFixed(2)}x parse + schema validation, ${(fullMs / parseMs).toFixed(2)}x JSON.parse alone.`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
