// Events per second through `verify` (read + parse + schemas + every rule) on a large generated session, beside
// schema validation alone and JSON.parse alone, measured in one run. Run: npm run bench:verify [-- --json]
// `--stage rules --rounds 10` runs one stage alone (for `node --cpu-prof bench/run.js verify --stage rules`).
// The session is realistic and valid: 1,000 users (a third with two tabs), several runs each with tool pairs,
// fanned out to every tab, interleaved in time; the bench checks it holds every rule before timing anything.
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createChecker, loadProfiles, loadRules, type MessageValidators } from '../src/rules';
import { loadGeneratedValidators } from '../src/protocol';
import { mulberry32 } from '../src/util/prng';
import { verifySessions, verifySessionText } from '../src/verify/offline';

const USERS = 1000;
const RUNS_PER_USER = 9;
const ROUNDS = 3;

// The project's seeded PRNG: every run measures the same session.
const random = mulberry32(0x5e551);
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
function userRecords(u: number, out: Rec[], t0 = 0): { runEvents: number } {
  const user = `user-${u}@example.com`;
  const tabs = random() < 0.33 ? [`c${u}a`, `c${u}b`] : [`c${u}a`];
  let order = 0;
  const push = (t: number, record: object): void =>
    void out.push({ t, order: u * 100_000 + order++, line: JSON.stringify(record) });
  let t = t0 + between(0, 20_000);
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

/** One batch of USERS users (numbered from `firstUser`, starting at session time t0) as sorted session lines. */
function batchLines(firstUser: number, t0: number): { lines: string[]; runEvents: number; frames: number } {
  const records: Rec[] = [];
  let runEvents = 0;
  for (let u = firstUser; u < firstUser + USERS; u++) runEvents += userRecords(u, records, t0).runEvents;
  records.sort((a, b) => a.t - b.t || a.order - b.order);
  const lines = records.map((r) => r.line);
  return { lines, runEvents, frames: lines.filter((l) => l.startsWith('{"kind":"frame"')).length };
}

/**
 * Writes a session of at least `mb` megabytes (batches of USERS users, one after the other in time) without holding
 * it in memory, for `--file-mb`: verify FILE must stream it, past the 512 MB a string can hold.
 */
async function writeLargeSession(file: string, mb: number): Promise<{ bytes: number; frames: number }> {
  const out = createWriteStream(file);
  const write = (text: string): Promise<void> =>
    new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', () => resolve())));
  await write(
    `${JSON.stringify({ kind: 'header', spec: 'Netra Agent WebSocket@1.0.0', scenario: `bench: ${mb} MB` })}\n`,
  );
  let bytes = 0;
  let frames = 0;
  for (let batch = 0; bytes < mb * 1e6; batch++) {
    const { lines, frames: batchFrames } = batchLines(batch * USERS, batch * 60_000);
    const text = `${lines.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    frames += batchFrames;
    await write(text);
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return { bytes, frames };
}

async function largeFile(mb: number, json: boolean): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-verify-large-'));
  const file = path.join(dir, 'large.session.jsonl');
  try {
    const { bytes, frames } = await writeLargeSession(file, mb);
    const rssBefore = process.memoryUsage().rss;
    const start = performance.now();
    const report = await verifySessions([file], { profile: 'local' });
    const ms = performance.now() - start;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const session = report.sessions[0];
    const result = {
      bench: 'verify',
      large_file: {
        mb: round(bytes / 1e6),
        frames,
        ms: Math.round(ms),
        frames_per_s: Math.round(frames / (ms / 1000)),
      },
      ok: session.ok,
      error: session.error?.code ?? null,
      violations: session.violations.length,
      rss_before_mb: Math.round(rssBefore / 1e6),
      peak_rss_mb: Math.round(peakRssMb),
    };
    process.stdout.write(
      json
        ? `${JSON.stringify(result)}\n`
        : `verify FILE on ${result.large_file.mb} MB (${frames.toLocaleString('en-US')} frames): ${result.large_file.ms} ms, ` +
            `ok ${result.ok}, ${result.violations} violations, peak RSS ${result.peak_rss_mb} MB\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function generate(): { text: string; runEvents: number; frames: number } {
  // The users interleaved in time; the trailing closes stay last, as a recorder writes them.
  const { lines, runEvents, frames } = batchLines(0, 0);
  const header = JSON.stringify({
    kind: 'header',
    spec: 'Netra Agent WebSocket@1.0.0',
    scenario: 'bench: 1000 users',
    recorded_at: '2026-11-24T10:00:00.000Z',
    provider: 'bench/verify.ts',
  });
  return { text: `${header}\n${lines.join('\n')}\n`, runEvents, frames };
}

type Stage = { name: string; label: string; run: () => void | Promise<void> };

interface Options {
  json: boolean;
  rounds: number;
  /** Instead of the stages: verify FILE on a generated session of this many MB (streamed; peak RSS reported). */
  fileMb?: number;
  /** Instead of the stages: write the generated session to this file (for profiling verify on it). */
  write?: string;
  /** Run only this stage, `rounds` times (for `node --cpu-prof`). */
  only?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, rounds: ROUNDS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--rounds') options.rounds = Math.max(1, Number(argv[++i]) || ROUNDS);
    else if (arg === '--stage') options.only = argv[++i];
    else if (arg === '--file-mb') options.fileMb = Number(argv[++i]);
    else if (arg === '--write') options.write = argv[++i];
    else throw new Error(`unknown option ${arg} (known: --json, --rounds N, --stage NAME, --file-mb N, --write FILE)`);
  }
  return options;
}

/**
 * Median ms per stage over `rounds` rounds after one warm-up each. The stages take turns within a round, so a burst
 * of load from other users of the machine falls on all of them alike and the ratios stay comparable.
 */
async function measure(
  stages: Stage[],
  rounds: number,
): Promise<{ wall: Map<string, number>; cpu: Map<string, number> }> {
  const wall = new Map<string, number[]>(stages.map((s) => [s.name, []]));
  const cpu = new Map<string, number[]>(stages.map((s) => [s.name, []]));
  for (const stage of stages) await stage.run();
  for (let round = 0; round < rounds; round++) {
    for (const stage of stages) {
      const start = performance.now();
      const used = process.cpuUsage();
      await stage.run();
      const spent = process.cpuUsage(used);
      wall.get(stage.name)!.push(performance.now() - start);
      cpu.get(stage.name)!.push((spent.user + spent.system) / 1000);
    }
  }
  const median = (lists: Map<string, number[]>): Map<string, number> =>
    new Map([...lists].map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]]));
  return { wall: median(wall), cpu: median(cpu) };
}

function buildStages(text: string, file: string): Stage[] {
  const rules = loadRules();
  const profile = loadProfiles().get('local');
  const validators = loadGeneratedValidators();
  const lines = text.split('\n').filter((l) => l.length > 0);
  const parsed = lines.map((l) => JSON.parse(l));
  const messages = parsed.filter((r) => r.kind === 'frame').map((r) => [r.dir, r.msg] as const);
  const passThrough: MessageValidators = { server: () => ({ ok: true }), client: () => ({ ok: true }) };
  return [
    {
      name: 'json_parse',
      label: 'JSON.parse alone (every line)',
      run() {
        for (const l of text.split('\n')) if (l.length) JSON.parse(l);
      },
    },
    {
      name: 'schemas',
      label: 'schema validation alone (parsed frames)',
      run() {
        for (const [dir, msg] of messages) (dir === 's2c' ? validators.server : validators.client)(msg);
      },
    },
    {
      name: 'json_parse_schemas',
      label: 'JSON.parse + schema validation',
      run() {
        for (const l of text.split('\n')) {
          if (!l.length) continue;
          const r = JSON.parse(l);
          if (r.kind === 'frame') (r.dir === 's2c' ? validators.server : validators.client)(r.msg);
        }
      },
    },
    {
      name: 'rules',
      label: 'rules alone (parsed, schemas skipped)',
      run() {
        const checker = createChecker({ rules, profile, validate: passThrough });
        // An indexed loop: the bench's own loop must not allocate (for...of here made an iterator result per record).
        for (let i = 0; i < parsed.length; i++) {
          const r = parsed[i];
          if (r.kind === 'frame') checker.frame(r.conn, r.dir, r.msg, r.raw, r.t);
          else if (r.kind === 'open') checker.open(r.conn, r.user, r.t);
          else if (r.kind === 'close') checker.close(r.conn, r.code, r.reason, r.by, r.t);
        }
        checker.finish();
      },
    },
    {
      name: 'verify_in_memory',
      label: 'verify in memory (parse + schemas + rules)',
      run() {
        verifySessionText(text, file, { rules, profile, validate: validators });
      },
    },
    {
      name: 'verify_file',
      label: 'verify FILE (read + parse + schemas + rules)',
      async run() {
        await verifySessions([file], { profile: 'local', rules });
      },
    },
  ];
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(3)); // node bench/run.js verify ...
  if (options.fileMb !== undefined) return largeFile(options.fileMb, options.json);
  const { text, runEvents, frames } = generate();
  if (options.write) return writeFileSync(options.write, text);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-verify-'));
  const file = path.join(dir, 'bench.session.jsonl');
  writeFileSync(file, text);
  try {
    const rules = loadRules();
    const check = await verifySessions([file], { profile: 'local', rules });
    const session = check.sessions[0];
    if (!session.ok || session.warnings.length) {
      const sample = [...session.violations, ...session.warnings]
        .slice(0, 5)
        .map((v) => `${v.rule} line ${v.line}: ${v.message}`);
      throw new Error(`the generated session should hold every rule:\n${sample.join('\n')}`);
    }
    const stats = session.stats!;
    let stages = buildStages(text, file);
    if (options.only) {
      stages = stages.filter((s) => s.name === options.only);
      if (stages.length === 0) throw new Error(`unknown stage ${options.only}`);
    }
    const measured = await measure(stages, options.rounds);
    const ms = measured.wall;
    if (options.only) {
      process.stdout.write(`${options.only}: ${ms.get(options.only)!.toFixed(0)} ms (median of ${options.rounds})\n`);
      return;
    }
    const at = (name: string): number => ms.get(name)!;
    const cpuAt = (name: string): number => measured.cpu.get(name)!;
    const parseMs = at('json_parse');
    // CPU time of the process (GC threads included): steadier than wall time when the machine is shared.
    const ratiosCpu = {
      rules_vs_json_parse: round(cpuAt('rules') / cpuAt('json_parse')),
      verify_vs_json_parse: round(cpuAt('verify_in_memory') / cpuAt('json_parse')),
    };
    const ratios = {
      rules_vs_json_parse: round(at('rules') / parseMs),
      verify_vs_json_parse: round(at('verify_in_memory') / parseMs),
      verify_file_vs_json_parse: round(at('verify_file') / parseMs),
      schemas_vs_json_parse: round(at('schemas') / parseMs),
      json_parse_schemas_vs_json_parse: round(at('json_parse_schemas') / parseMs),
    };
    const mb = statSync(file).size / 1e6;
    if (options.json) {
      const figures = Object.fromEntries(
        stages.map((s) => [
          s.name,
          {
            ms: round(at(s.name)),
            cpu_ms: round(cpuAt(s.name)),
            frames_per_s: Math.round(frames / (at(s.name) / 1000)),
          },
        ]),
      );
      const out = {
        bench: 'verify',
        node: process.version,
        // The V8 flags `verify` runs with (bin/relaunch.js), which this bench runs with too.
        node_flags: process.execArgv,
        session: {
          users: USERS,
          conns: stats.conns,
          runs: stats.runs,
          frames,
          run_events: runEvents,
          mb: round(mb),
          rules: rules.rules.length,
        },
        rounds: options.rounds,
        stages: figures,
        ratios,
        ratios_cpu: ratiosCpu,
        load_average: loadavg().map(round),
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return;
    }
    const rate = (value: number): number => frames / (value / 1000);
    const out: string[] = [];
    out.push(
      `bench:verify  ${USERS} users, ${stats.conns} conns, ${stats.runs} runs, ${frames.toLocaleString('en-US')} frames ` +
        `(${runEvents.toLocaleString('en-US')} run events), ${mb.toFixed(1)} MB; session holds all ${rules.rules.length} rules; ` +
        `median of ${options.rounds} after a warm-up, stages interleaved; node ${process.version}`,
    );
    out.push('');
    out.push(`${'stage'.padEnd(48)}${'ms'.padStart(9)}${'frames/s'.padStart(14)}${'x JSON.parse time'.padStart(20)}`);
    for (const stage of stages) {
      const value = at(stage.name);
      out.push(
        `${stage.label.padEnd(48)}${value.toFixed(0).padStart(9)}${Math.round(rate(value)).toLocaleString('en-US').padStart(14)}${(value / parseMs).toFixed(2).padStart(20)}`,
      );
    }
    out.push('');
    out.push(
      `targets (issue 13): rules alone <= 1.0x JSON.parse (now ${ratios.rules_vs_json_parse.toFixed(2)}x), ` +
        `verify in memory <= 2.5x (now ${ratios.verify_vs_json_parse.toFixed(2)}x); by CPU time ` +
        `${ratiosCpu.rules_vs_json_parse.toFixed(2)}x and ${ratiosCpu.verify_vs_json_parse.toFixed(2)}x; ` +
        `load average ${loadavg()[0].toFixed(1)}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((err) => {
  process.stderr.write(`bench:verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
