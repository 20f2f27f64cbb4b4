// Validations per second over a realistic mixed stream of run events: generated standalone validators vs ajv
// compiled at run time vs bare JSON.parse of the same frames. Target: validating a frame costs less than parsing it.
// Run: npm run bench:validate [-- --json]
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { acceptUnknownFormats, createAjv } from '../src/codegen';
import { mulberry32 } from '../src/util/prng';
import * as generated from '../generated/validators';

const FRAMES = 10_000;
const ROUNDS = 3;
const MIN_MS_PER_ROUND = 800;
const JSON_OUTPUT = process.argv.includes('--json');

// The project's seeded PRNG, so every run measures the same stream.
const random = mulberry32(0x5eed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const id = (prefix: string, n = 12): string => {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = prefix;
  for (let i = 0; i < n; i++) out += chars[Math.floor(random() * chars.length)];
  return out;
};
const WORDS =
  'the model spend cache batch route latency tokens month price request gpt-4o mini claude sonnet saves'.split(' ');
const sentence = (min: number, max: number): string => {
  const n = min + Math.floor(random() * (max - min));
  return Array.from({ length: n }, () => pick(WORDS)).join(' ');
};
const TOOLS = ['cost_analyzer', 'spend_forecaster', 'cache_estimator', 'batch_planner', 'model_router'];
const AGENTS = ['cost_optimizer', 'spend_forecaster'];

/** One run's events, as a real provider would send them. */
function run(start: number): Record<string, unknown>[] {
  const base = {
    event_id: '',
    run_id: id('run_'),
    thread_id: id('thr_'),
    user_id: `user-${Math.floor(random() * 1000)}@example.com`,
    agent_name: pick(AGENTS),
  };
  let seq = 0;
  let clock = start;
  const stamp = (): string => new Date((clock += Math.floor(random() * 400))).toISOString();
  const event = (type: string, fields: Record<string, unknown>) => ({
    type,
    ...base,
    event_id: id('evt_'),
    seq: ++seq,
    timestamp: stamp(),
    ...fields,
  });
  const events = [event('agent_started', { request_id: id('req-', 8) })];
  const steps = 2 + Math.floor(random() * 4);
  for (let step = 1; step <= steps; step++) {
    events.push(event('agent_thinking', { reasoning: sentence(8, 40), step_number: step }));
    const callId = `call_${String(step).padStart(4, '0')}`;
    const tool = pick(TOOLS);
    events.push(
      event('tool_executing', {
        tool_call_id: callId,
        tool_name: tool,
        parameters: { models: 1 + Math.floor(random() * 5), horizon_months: 12 },
      }),
    );
    events.push(
      event('tool_completed', {
        tool_call_id: callId,
        tool_name: tool,
        status: 'success',
        results: { monthly_spend_usd: Math.round(random() * 1e6) / 100, models: [{ model: 'gpt-4o', share: 0.6 }] },
        execution_time_ms: Math.floor(random() * 400),
      }),
    );
  }
  const recommendations = Array.from({ length: 3 }, (_, i) => ({
    id: `rec_${i}_${id('', 6)}`,
    title: sentence(4, 10),
    category: pick(['model_routing', 'caching', 'batching']),
    model: 'gpt-4o',
    estimated_monthly_savings_usd: Math.round(random() * 500000) / 100,
  }));
  const total = Math.round(recommendations.reduce((sum, r) => sum + r.estimated_monthly_savings_usd, 0) * 100) / 100;
  events.push(
    event('agent_completed', {
      status: 'success',
      final_response: sentence(40, 120),
      result: {
        currency: 'USD',
        current_monthly_spend_usd: 12960,
        recommendations,
        total_estimated_monthly_savings_usd: total,
      },
      execution_time_ms: Math.floor(random() * 5000),
    }),
  );
  return events;
}

const frames: string[] = [];
for (let t = Date.UTC(2026, 10, 24, 10); frames.length < FRAMES; t += 10_000) {
  for (const e of run(t)) frames.push(JSON.stringify(e));
}
frames.length = FRAMES;
const objects = frames.map((f) => JSON.parse(f) as Record<string, unknown>);

// ajv compiled at run time from the same generated schemas, dispatched the same way (a Map on `type`).
const ajv = createAjv();
const runtime = new Map<string, (data: unknown) => boolean>();
for (const name of generated.messageNames.server) {
  const schema = JSON.parse(readFileSync(path.join(__dirname, '..', 'generated', 'schemas', `${name}.json`), 'utf8'));
  acceptUnknownFormats(ajv, schema);
  runtime.set(schema.properties.type.const, ajv.compile(schema));
}

for (const o of objects) {
  const result = generated.validateServerMessage(o);
  if (!result.ok) throw new Error(`bench frame is invalid: ${JSON.stringify(result.errors)} ${JSON.stringify(o)}`);
  if (!(runtime.get(o.type as string) as (d: unknown) => boolean)(o)) throw new Error('runtime ajv disagrees');
}

let sink = 0; // keeps the optimiser from dropping the work
const contenders: { name: string; pass: () => void }[] = [
  {
    name: 'JSON.parse (baseline)',
    pass: () => {
      for (let i = 0; i < frames.length; i++) sink += (JSON.parse(frames[i]) as { seq: number }).seq;
    },
  },
  {
    name: 'generated validateServerMessage',
    pass: () => {
      for (let i = 0; i < objects.length; i++) if (generated.validateServerMessage(objects[i]).ok) sink++;
    },
  },
  {
    name: 'ajv runtime-compiled',
    pass: () => {
      for (let i = 0; i < objects.length; i++)
        if ((runtime.get(objects[i].type as string) as (d: unknown) => boolean)(objects[i])) sink++;
    },
  },
];

const best = new Map<string, number>(); // frames per second
const started = Date.now();
for (let round = 0; round < ROUNDS; round++) {
  for (const c of contenders) {
    c.pass(); // warm-up pass
    let passes = 0;
    const t0 = process.hrtime.bigint();
    let elapsedMs = 0;
    while (elapsedMs < MIN_MS_PER_ROUND) {
      c.pass();
      passes++;
      elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    const rate = (passes * frames.length) / (elapsedMs / 1000);
    best.set(c.name, Math.max(best.get(c.name) ?? 0, rate));
  }
}

const parseRate = best.get('JSON.parse (baseline)') as number;
const generatedRate = best.get('generated validateServerMessage') as number;
const runtimeRate = best.get('ajv runtime-compiled') as number;
const bytes = frames.reduce((sum, f) => sum + Buffer.byteLength(f), 0);
const generatedCost = parseRate / generatedRate;

if (JSON_OUTPUT) {
  const report = {
    bench: 'validate',
    node: process.version,
    frames: FRAMES,
    mean_frame_bytes: Math.round(bytes / FRAMES),
    rounds: ROUNDS,
    frames_per_second: {
      json_parse: Math.round(parseRate),
      generated: Math.round(generatedRate),
      ajv_runtime: Math.round(runtimeRate),
    },
    ns_per_frame: {
      json_parse: Math.round(1e9 / parseRate),
      generated: Math.round(1e9 / generatedRate),
      ajv_runtime: Math.round(1e9 / runtimeRate),
    },
    // Cost of validating a frame against the cost of parsing it (lower is better; target < 1).
    ratios: {
      generated_vs_json_parse: Number(generatedCost.toFixed(3)),
      ajv_runtime_vs_json_parse: Number((parseRate / runtimeRate).toFixed(3)),
      generated_vs_ajv_runtime: Number((runtimeRate / generatedRate).toFixed(3)),
    },
    target_met: generatedCost < 1,
    seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const rows = contenders.map((c) => {
    const rate = best.get(c.name) as number;
    return [c.name, Math.round(rate).toLocaleString('en-US'), (1e9 / rate).toFixed(0), (parseRate / rate).toFixed(2)];
  });
  const headers = ['contender', 'frames/s', 'ns/frame', 'cost vs JSON.parse'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(
    `${FRAMES} frames (agent_started/thinking/tool_executing/tool_completed/agent_completed), mean ${Math.round(bytes / FRAMES)} bytes; best of ${ROUNDS} rounds, node ${process.version}`,
  );
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log(
    `validating a frame costs ${generatedCost.toFixed(2)}x parsing it: ${generatedCost < 1 ? 'target met' : 'TARGET MISSED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}
if (sink === -1) console.log(sink);
