// `registry diff` of two ~4,000-line AsyncAPI documents: time spent parsing (the spec loader) vs diffing, in one
// process (warm parser) and end to end through the CLI (cold start). Target: the whole diff in under 2 s, most of it
// parsing. Figures are wall time and CPU time: on a shared machine CPU time is the steadier of the two.
// Run: node bench/run.js registry-diff   (documents are synthesised from asyncapi.yaml, deterministic)
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

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'netra-bench-registry-'));
  try {
    let copies = 1;
    let text = '';
    while (copies < 20) {
      text = YAML.stringify(synthesise(copies), { lineWidth: 0 });
      if (text.split('\n').length >= TARGET_LINES) break;
      copies++;
    }
    const oldDoc = YAML.parse(text) as Json;
    const oldFile = path.join(dir, 'old.yaml');
    const newFile = path.join(dir, 'new.yaml');
    writeFileSync(oldFile, text);
    const newText = YAML.stringify(revise(oldDoc), { lineWidth: 0 });
    writeFileSync(newFile, newText);
    const lines = [text.split('\n').length, newText.split('\n').length];
    console.log(
      `documents: ${lines[0]} and ${lines[1]} lines (${copies} copies of asyncapi.yaml's messages), in ${dir}`,
    );

    const cold = await timed(() => loadSpec(oldFile));
    const rows: {
      parseOld: number;
      parseNew: number;
      diff: number;
      parseCpu: number;
      diffCpu: number;
      changes: number;
      breaking: number;
    }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = await timed(() => loadSpec(oldFile));
      const b = await timed(() => loadSpec(newFile));
      const d = await timed(() => diffDocuments(documentModelFromSpec(a.value), documentModelFromSpec(b.value)));
      rows.push({
        parseOld: a.wall,
        parseNew: b.wall,
        diff: d.wall,
        parseCpu: a.cpu + b.cpu,
        diffCpu: d.cpu,
        changes: d.value.changes.length,
        breaking: d.value.changes.filter((c) => c.breaking).length,
      });
    }
    const m = (key: keyof (typeof rows)[number]): number => median(rows.map((r) => r[key]));
    const parse = m('parseOld') + m('parseNew');
    console.log(
      `first parse in the process (parser start-up included): ${cold.wall.toFixed(0)} ms wall, ${cold.cpu.toFixed(0)} ms CPU`,
    );
    console.log(`warm, median of ${ROUNDS} rounds:`);
    console.log(`  parse old        ${m('parseOld').toFixed(0).padStart(6)} ms`);
    console.log(`  parse new        ${m('parseNew').toFixed(0).padStart(6)} ms`);
    console.log(
      `  model + diff     ${m('diff').toFixed(1).padStart(6)} ms   (${m('changes')} changes, ${m('breaking')} breaking)`,
    );
    console.log(
      `  total            ${(parse + m('diff')).toFixed(0).padStart(6)} ms wall, ${(m('parseCpu') + m('diffCpu')).toFixed(0)} ms CPU; parsing ${((100 * parse) / (parse + m('diff'))).toFixed(1)}%`,
    );

    // End to end: a fresh process, as CI runs it (tsx start-up, parser start-up, two parses, diff, report).
    const cli = await timed(() =>
      spawnSync(
        process.execPath,
        [path.join(ROOT, 'bin', 'netra-contracts.js'), 'registry', 'diff', oldFile, newFile, '--json'],
        { encoding: 'utf8' },
      ),
    );
    const child = cli.value;
    const report = JSON.parse(child.stdout) as { compatible: boolean; changes: unknown[] };
    console.log(
      `CLI end to end: ${cli.wall.toFixed(0)} ms wall (exit ${child.status}, ${report.changes.length} changes, compatible: ${report.compatible})`,
    );
    const verdict = parse + m('diff') < 2000 ? 'within' : 'OVER';
    console.log(
      `target: parse + diff < 2000 ms (warm) -> ${verdict}; load average ${(await import('node:os')).loadavg()[0].toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
