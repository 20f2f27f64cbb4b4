// `registry diff` of two ~4,000-line AsyncAPI documents and of two small ones (asyncapi.yaml and a one-line edit):
// time spent parsing (the spec loader) vs building the models and diffing (with and without the instance check), in
// one process (warm parser) and end to end through the CLI (cold start). Figures are wall time and CPU time: on a
// shared machine CPU time is the steadier of the two; compare the ratios, measured in one run.
// Run: node bench/run.js registry-diff [--json]   (documents are synthesised from asyncapi.yaml, deterministic)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { loadSpec } from '../src/asyncapi';
import { diffDocuments, documentModelFromSpec } from '../src/registry';

const ROOT = path.join(__dirname, '..');
const TARGET_LINES = 4000;
const ROUNDS = 5;

type Json = Record<string, unknown>;

/** Our spec with every message, schema, operation and channel message copied under suffixed names. */
function synthesise(copies: number): Json {
  const doc = YAML.parse(readFileSync(path.join(ROOT, 'asyncapi.yaml'), 'utf8')) as Json;
  const components = doc.components as { messages: Json; schemas: Json };
  const channel = (doc.channels as Json).agentSocket as { messages: Json };
  const operations = doc.operations as Json;
  const baseMessages = { ...components.messages };
  const baseSchemas = { ...components.schemas };
  const baseOperations = { ...operations };
  for (let k = 1; k < copies; k++) {
    const rename = (text: string): string =>
      text
        .replace(/#\/components\/schemas\/(\w+)/g, `#/components/schemas/$1_${k}`)
        .replace(/#\/channels\/agentSocket\/messages\/(\w+)/g, `#/channels/agentSocket/messages/$1_${k}`);
    for (const [name, schema] of Object.entries(baseSchemas))
      components.schemas[`${name}_${k}`] = JSON.parse(rename(JSON.stringify(schema)));
    for (const [name, message] of Object.entries(baseMessages)) {
      const copy = JSON.parse(rename(JSON.stringify(message))) as Json;
      copy.name = `${name}_${k}`;
      components.messages[`${name}_${k}`] = copy;
      channel.messages[`${name}_${k}`] = { $ref: `#/components/messages/${name}_${k}` };
    }
    for (const [id, op] of Object.entries(baseOperations))
      operations[`${id}_${k}`] = JSON.parse(rename(JSON.stringify(op)));
  }
  return doc;
}

/** A new revision: a dozen realistic edits, compatible and not. */
function revise(doc: Json): Json {
  const next = structuredClone(doc);
  const schemas = (next.components as { schemas: Record<string, Json> }).schemas;
  const props = (name: string): Record<string, Json> => schemas[name].properties as Record<string, Json>;
  (next.info as Json).version = '1.1.0';
  props('AgentCompleted').status.enum = ['success', 'partial', 'cancelled', 'paused'];
  props('AgentError_1').retry_after_ms = { type: 'integer', minimum: 0 };
  props('AgentThinking_2').reasoning.maxLength = 2000;
  (schemas.StartAgent.required as string[]).push('thread_id');
  props('StartAgent_1').priority = { type: 'string', enum: ['low', 'high'] };
  schemas.Seq.maximum = 10_000_000;
  schemas.UsdAmount_2.type = 'integer';
  props('ToolCompleted_3').status.enum = ['success'];
  delete props('ErrorMessage_1').details;
  props('ConnectionEstablished').heartbeat_interval_ms = { type: 'integer', minimum: 1000 };
  schemas.RequestId_3.pattern = '^[A-Za-z0-9._:-]{1,64}$';
  (schemas.Recommendation.properties as Json).confidence = { type: 'number', minimum: 0, maximum: 1 };
  return next;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu0);
  return { value, wall, cpu: (used.user + used.system) / 1000 };
}

interface PairFigures {
  /** Median wall ms of parsing both documents. */
  parse: number;
  parseCpu: number;
  /** Median wall ms of building both models and diffing, instance check included. */
  diff: number;
  diffCpu: number;
  /** The same without the instance check. */
  diffWithoutInstances: number;
  changes: number;
  breaking: number;
}

async function measurePair(oldFile: string, newFile: string): Promise<PairFigures> {
  const rows: PairFigures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = await timed(() => loadSpec(oldFile));
    const b = await timed(() => loadSpec(newFile));
    const bare = await timed(() =>
      diffDocuments(documentModelFromSpec(a.value), documentModelFromSpec(b.value), { instanceCheck: false }),
    );
    const d = await timed(() => diffDocuments(documentModelFromSpec(a.value), documentModelFromSpec(b.value)));
    rows.push({
      parse: a.wall + b.wall,
      parseCpu: a.cpu + b.cpu,
      diff: d.wall,
      diffCpu: d.cpu,
      diffWithoutInstances: bare.wall,
      changes: d.value.changes.length,
      breaking: d.value.changes.filter((c) => c.breaking).length,
    });
  }
  const m = (key: keyof PairFigures): number => median(rows.map((r) => r[key]));
  return {
    parse: m('parse'),
    parseCpu: m('parseCpu'),
    diff: m('diff'),
    diffCpu: m('diffCpu'),
    diffWithoutInstances: m('diffWithoutInstances'),
    changes: m('changes'),
    breaking: m('breaking'),
  };
}

/** A fresh process, as CI runs it (tsx start-up, parser start-up, two parses, diff, report). */
async function cliRun(
  oldFile: string,
  newFile: string,
): Promise<{ wall: number; changes: number; status: number | null }> {
  const cli = await timed(() =>
    spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'netra-contracts.js'), 'registry', 'diff', oldFile, newFile, '--json'],
      { encoding: 'utf8' },
    ),
  );
  const report = JSON.parse(cli.value.stdout) as { changes: unknown[] };
  return { wall: cli.wall, changes: report.changes.length, status: cli.value.status };
}

function writeDocuments(dir: string): {
  large: [string, string];
  small: [string, string];
  lines: number[];
  copies: number;
} {
  let copies = 1;
  let text = '';
  while (copies < 20) {
    text = YAML.stringify(synthesise(copies), { lineWidth: 0 });
    if (text.split('\n').length >= TARGET_LINES) break;
    copies++;
  }
  const large: [string, string] = [path.join(dir, 'old.yaml'), path.join(dir, 'new.yaml')];
  writeFileSync(large[0], text);
  const newText = YAML.stringify(revise(YAML.parse(text) as Json), { lineWidth: 0 });
  writeFileSync(large[1], newText);
  // Small: the spec itself and a one-keyword edit (a tighter maxLength on a server event).
  const spec = readFileSync(path.join(ROOT, 'asyncapi.yaml'), 'utf8');
  const small: [string, string] = [path.join(dir, 'small-old.yaml'), path.join(dir, 'small-new.yaml')];
  writeFileSync(small[0], spec);
  const edited = YAML.parse(spec) as Json;
  const schemas = (edited.components as { schemas: Record<string, Json> }).schemas;
  ((schemas.AgentThinking.properties as Record<string, Json>).reasoning as Json).maxLength = 1999;
  writeFileSync(small[1], YAML.stringify(edited, { lineWidth: 0 }));
  return { large, small, lines: [text.split('\n').length, newText.split('\n').length], copies };
}

const ratio = (a: number, b: number): number => Number((a / b).toFixed(4));

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const dir = mkdtempSync(path.join(tmpdir(), 'netra-bench-registry-'));
  try {
    const docs = writeDocuments(dir);
    const cold = await timed(() => loadSpec(docs.large[0]));
    const large = await measurePair(...docs.large);
    const small = await measurePair(...docs.small);
    const cliLarge = await cliRun(...docs.large);
    const cliSmall = await cliRun(...docs.small);
    const loadAverage = (await import('node:os')).loadavg()[0];
    const ratios = {
      diff_vs_parse: ratio(large.diff, large.parse),
      diff_cpu_vs_parse_cpu: ratio(large.diffCpu, large.parseCpu),
      diff_without_instance_check_vs_parse: ratio(large.diffWithoutInstances, large.parse),
      small_diff_vs_parse: ratio(small.diff, small.parse),
      small_diff_without_instance_check_vs_parse: ratio(small.diffWithoutInstances, small.parse),
      instance_check_vs_diff: ratio(large.diff - large.diffWithoutInstances, large.diffWithoutInstances),
      // What the instance check adds to `registry diff` as a whole (parsing both documents, models, structural diff):
      // the brief's bound is that it must not double it (ratio < 1).
      instance_check_vs_registry_diff: ratio(
        large.diff - large.diffWithoutInstances,
        large.parse + large.diffWithoutInstances,
      ),
      small_instance_check_vs_registry_diff: ratio(
        small.diff - small.diffWithoutInstances,
        small.parse + small.diffWithoutInstances,
      ),
    };
    if (json) {
      const result = {
        documents: { lines: docs.lines, copies: docs.copies },
        first_parse_ms: Number(cold.wall.toFixed(1)),
        large,
        small,
        cli_ms: { large: Number(cliLarge.wall.toFixed(0)), small: Number(cliSmall.wall.toFixed(0)) },
        load_average: loadAverage,
        ratios,
      };
      console.log(JSON.stringify(result));
      return;
    }
    console.log(
      `documents: ${docs.lines[0]} and ${docs.lines[1]} lines (${docs.copies} copies of asyncapi.yaml's messages)`,
    );
    console.log(
      `first parse in the process (parser start-up included): ${cold.wall.toFixed(0)} ms wall, ${cold.cpu.toFixed(0)} ms CPU`,
    );
    for (const [name, f] of [
      ['large', large],
      ['small (asyncapi.yaml, one edit)', small],
    ] as const) {
      console.log(`${name}, warm, median of ${ROUNDS} rounds:`);
      console.log(`  parse both       ${f.parse.toFixed(0).padStart(6)} ms (${f.parseCpu.toFixed(0)} ms CPU)`);
      console.log(
        `  model + diff     ${f.diff.toFixed(1).padStart(6)} ms (${f.diffCpu.toFixed(0)} ms CPU; ${f.changes} changes, ${f.breaking} breaking)`,
      );
      console.log(`  without the instance check ${f.diffWithoutInstances.toFixed(1)} ms`);
    }
    console.log(
      `CLI end to end: large ${cliLarge.wall.toFixed(0)} ms (exit ${cliLarge.status}), small ${cliSmall.wall.toFixed(0)} ms (exit ${cliSmall.status})`,
    );
    console.log(`ratios: ${JSON.stringify(ratios)}; load average ${loadAverage.toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
