// The proof that asyncapi.yaml is the one vocabulary: a copy of the repository gets a new run event, agent_progress,
// in the spec and in the lifecycle (contracts/rules/order.yaml) and nothing else; `generate` runs there; then, with
// no TypeScript edited, the copy's own child processes show that (a) `verify` accepts the event where the lifecycle
// allows it and rejects it after the terminal event or with a repeated seq, (b) the provider's emit path (an agent's
// AgentIO.emit, typed from generated/types.ts) numbers, validates and delivers it, (c) the generated client has a
// typed handler for it (checked by tsc) that a real frame reaches, and (d) the docs site lists it.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NEW_TYPE = 'agent_progress';
/** Top-level entries not copied: dependencies (symlinked instead), history and build or report output. */
const NOT_COPIED = new Set(['node_modules', '.git', 'reports', 'dist', 'tmp', '.helpers']);

let copy: string;

interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** A child process in the copy (never the repository itself). */
function run(args: string[], timeout = 60_000): Ran {
  const result = spawnSync(process.execPath, args, { cwd: copy, encoding: 'utf8', timeout });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** The copy's own CLI. */
const cli = (...args: string[]): Ran => run([path.join(copy, 'bin', 'netra-contracts.js'), ...args]);

function tsFiles(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) for (const [k, v] of tsFiles(file, base)) out.set(k, v);
    else if (name.endsWith('.ts')) out.set(path.relative(base, file), readFileSync(file, 'utf8'));
  }
  return out;
}

/** The new message in the spec, as data: channel, the run-events operation, the message and its payload schema. */
function addEventToSpec(file: string): void {
  const doc = YAML.parse(readFileSync(file, 'utf8'));
  const channelName = Object.keys(doc.channels)[0];
  doc.channels[channelName].messages[NEW_TYPE] = { $ref: `#/components/messages/${NEW_TYPE}` };
  doc.operations.sendRunEvents.messages.push({ $ref: `#/channels/${channelName}/messages/${NEW_TYPE}` });
  const envelope = ['type', 'event_id', 'run_id', 'thread_id', 'user_id', 'agent_name', 'seq', 'timestamp'];
  const thinking = doc.components.schemas.AgentThinking;
  const properties: Record<string, unknown> = Object.fromEntries(envelope.map((f) => [f, thinking.properties[f]]));
  properties.type = { type: 'string', const: NEW_TYPE, description: 'Message type.' };
  properties.percent = {
    type: 'integer',
    minimum: 0,
    maximum: 100,
    description: 'How much of the run is done, in percent.',
  };
  doc.components.schemas.AgentProgress = {
    type: 'object',
    title: 'AgentProgress',
    required: [...envelope, 'percent'],
    properties,
  };
  doc.components.messages[NEW_TYPE] = {
    name: NEW_TYPE,
    title: 'Agent progress',
    summary: 'How far along the run is.',
    description: 'Zero or more per run, between `agent_started` and the terminal event. Open.',
    tags: [{ name: 'run' }],
    payload: { $ref: '#/components/schemas/AgentProgress' },
  };
  writeFileSync(file, YAML.stringify(doc, { lineWidth: 0 }));
}

/** The new event in the lifecycle: it may come anywhere inside a run, and anything inside a run may follow it. */
function addEventToLifecycle(file: string): void {
  const doc = YAML.parse(readFileSync(file, 'utf8'));
  const rule = doc.rules.find((r: { id: string }) => r.id === 'order.allowed-transitions');
  const { transitions, terminals, start } = rule.params as {
    transitions: Record<string, string[]>;
    terminals: string[];
    start: string;
  };
  const inside = Object.keys(transitions).filter((s) => s !== start && !terminals.includes(s));
  for (const state of Object.keys(transitions)) if (!terminals.includes(state)) transitions[state].unshift(NEW_TYPE);
  transitions[NEW_TYPE] = [NEW_TYPE, ...inside, ...terminals];
  writeFileSync(file, YAML.stringify(doc, { lineWidth: 0 }));
}

type Line = { kind: string; msg?: Record<string, unknown> } & Record<string, unknown>;

/** A recorded session of the copy with one agent_progress frame placed by `place`. */
function sessionWith(place: (lines: Line[]) => Line[]): string {
  const source = path.join(copy, 'contracts', 'sessions', 'first-message.session.jsonl');
  const lines = readFileSync(source, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  return `${place(lines)
    .map((l) => JSON.stringify(l))
    .join('\n')}\n`;
}

/** An agent_progress frame modelled on a run event frame of the same run. */
function progressLike(frame: Line, seq: number, percent: number): Line {
  const { type: _t, reasoning: _r, step_number: _s, ...envelope } = frame.msg!;
  return { ...frame, msg: { ...envelope, type: NEW_TYPE, event_id: 'evt_progress0001', seq, percent } };
}

/** Inserts a progress frame after run event `afterSeq`; with `shift`, the later events move up one seq. */
function insertProgress(lines: Line[], afterSeq: number, seq: number, shift: boolean): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    const msg = line.msg;
    const isRunEvent = line.kind === 'frame' && typeof msg?.run_id === 'string' && typeof msg.seq === 'number';
    const moved = shift && isRunEvent && (msg!.seq as number) > afterSeq;
    out.push(moved ? { ...line, msg: { ...msg, seq: (msg!.seq as number) + 1 } } : line);
    if (isRunEvent && msg!.seq === afterSeq) out.push(progressLike(line, seq, 40));
  }
  return out;
}

// The probe: a TypeScript file of its own in the copy (no project file edited). It registers agents that emit the
// new event through AgentIO.emit, starts the copy's stack, and follows the runs with the copy's generated client.
// The @ts-expect-error lines make tsc prove both APIs are typed from the spec: an unused one fails the check.
const PROBE = `
import WebSocket from 'ws';
import { registerAgent, type AgentAnswer, type AgentIO } from '../src/agents';
import { startStack } from '../src/provider';
import { NetraClient, RUN_EVENT_TYPES, type RunEvent, type WebSocketConstructorLike } from '../generated/client';

const result = { currency: 'USD' as const, recommendations: [], total_estimated_monthly_savings_usd: 0 };
const answer: AgentAnswer = { status: 'partial', final_response: 'Done.', result };

registerAgent('progress_probe', 'Reports how far along it is.', async (_req, io) => {
  await io.emit({ type: 'agent_progress', percent: 0 });
  await io.think('Pricing the workload.');
  await io.emit({ type: 'agent_progress', percent: 50 });
  await io.callTool('cost_analyzer', {});
  await io.emit({ type: 'agent_progress', percent: 100 });
  return answer;
});
registerAgent('progress_too_far', 'Reports more than all of it.', async (_req, io) => {
  await io.emit({ type: 'agent_progress', percent: 150 });
  return answer;
});
registerAgent('progress_ender', 'Tries to end its own run.', async (_req, io) => {
  const terminal = { type: 'agent_completed', status: 'success', final_response: 'x', result, execution_time_ms: 1 };
  await io.emit(terminal as unknown as Parameters<AgentIO['emit']>[0]);
  return answer;
});

export function typedFromTheSpec(io: AgentIO, client: NetraClient): void {
  // @ts-expect-error percent is an integer in the spec
  void io.emit({ type: 'agent_progress', percent: 'half' });
  // @ts-expect-error percent is required
  void io.emit({ type: 'agent_progress' });
  // @ts-expect-error the provider ends runs, not the agent
  void io.emit({ type: 'agent_completed', status: 'success', final_response: 'x', result, execution_time_ms: 1 });
  client.on('agent_progress', (ev) => {
    const percent: number = ev.percent;
    // @ts-expect-error percent is a number
    const text: string = ev.percent;
    void [percent, text];
  });
}

async function main(): Promise<void> {
  const stack = await startStack({ provider: { thinkMs: 1, toolMs: 1, jitter: 0 } });
  const { access_token } = await stack.auth.issueTokens('pat');
  const client = new NetraClient({
    url: stack.wsUrl,
    token: access_token,
    via: 'header',
    autoResume: false,
    WebSocket: WebSocket as unknown as WebSocketConstructorLike,
  });
  const progress: { run_id: string; seq: number; percent: number }[] = [];
  const events: { run_id: string; seq: number; type: string }[] = [];
  let unknown = 0;
  let invalid = 0;
  client.on('agent_progress', (ev) => progress.push({ run_id: ev.run_id, seq: ev.seq, percent: ev.percent }));
  for (const type of RUN_EVENT_TYPES) {
    client.on(type, (ev: RunEvent) => events.push({ run_id: ev.run_id, seq: ev.seq, type: ev.type }));
  }
  client.on('unknown', () => unknown++);
  client.on('invalid', () => invalid++);
  await client.connect();
  const runs: Record<string, { run_id: string; end: Record<string, unknown> }> = {};
  for (const agent_name of ['progress_probe', 'progress_too_far', 'progress_ender']) {
    const { run_id } = await client.startAgent({ user_request: 'How far along are you?', agent_name });
    const end = await client.waitForRun(run_id);
    runs[agent_name] = { run_id, end: { type: end.type, code: end.type === 'agent_error' ? end.code : undefined } };
  }
  await client.close();
  await stack.close();
  process.stdout.write(JSON.stringify({ runs, progress, events, unknown, invalid }) + '\\n');
}

main().catch((err) => {
  process.stderr.write(String(err instanceof Error ? err.stack : err) + '\\n');
  process.exit(1);
});
`;

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'netra-new-run-event-'));
  for (const name of readdirSync(ROOT)) {
    if (!NOT_COPIED.has(name)) cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  addEventToSpec(path.join(copy, 'asyncapi.yaml'));
  addEventToLifecycle(path.join(copy, 'contracts', 'rules', 'order.yaml'));
  const generated = cli('generate');
  expect({ status: generated.status, stderr: generated.stderr }).toEqual({ status: 0, stderr: '' });
  mkdirSync(path.join(copy, 'probe'));
  writeFileSync(path.join(copy, 'probe', 'new-run-event.ts'), PROBE);
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('a new run event, added to asyncapi.yaml and the lifecycle only', () => {
  it('needed no TypeScript edit: src/ and bin/ of the copy are the repository’s, byte for byte', () => {
    for (const dir of ['src', 'bin']) {
      const mine = tsFiles(path.join(ROOT, dir));
      const theirs = tsFiles(path.join(copy, dir));
      expect([...theirs.keys()].sort()).toEqual([...mine.keys()].sort());
      for (const [file, text] of mine) expect({ file, same: theirs.get(file) === text }).toEqual({ file, same: true });
    }
    const contract = JSON.parse(readFileSync(path.join(copy, 'generated', 'contract.json'), 'utf8'));
    expect(contract.run.events).toContain(NEW_TYPE);
    expect(contract.run.terminals).not.toContain(NEW_TYPE);
    expect(contract.run.start).not.toBe(NEW_TYPE);
  });

  it('(a) verify: passes it where the lifecycle allows it, fails it after the terminal or with a repeated seq', () => {
    const files = {
      legal: sessionWith((lines) => insertProgress(lines, 2, 3, true)),
      'after-terminal': sessionWith((lines) => {
        const runEvents = lines.filter((l) => l.kind === 'frame' && typeof l.msg?.seq === 'number');
        const last = runEvents[runEvents.length - 1].msg!.seq as number;
        return insertProgress(lines, last, last + 1, false);
      }),
      'repeated-seq': sessionWith((lines) => insertProgress(lines, 2, 2, false)),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(copy, `${name}.session.jsonl`), text);
    expect(files.legal).toContain(`"type":"${NEW_TYPE}"`);

    const one = (name: string): { status: number; rules: string[] } => {
      const ran = cli('verify', '--json', `${name}.session.jsonl`);
      const report = JSON.parse(ran.stdout) as { sessions: { violations: { rule: string }[] }[] };
      return { status: ran.status, rules: report.sessions.flatMap((s) => s.violations.map((v) => v.rule)) };
    };
    expect(one('legal')).toEqual({ status: 0, rules: [] });
    expect(one('after-terminal')).toEqual({ status: 1, rules: ['order.nothing-after-terminal'] });
    expect(one('repeated-seq')).toEqual({ status: 1, rules: ['seq.no-repeat'] });
  });

  it('(b, c) an agent emits it through AgentIO.emit; the provider numbers and checks it; the client’s handler gets it', () => {
    const ran = run(['-e', "require('tsx/cjs'); require('./probe/new-run-event.ts')"]);
    expect({ status: ran.status, stderr: ran.stderr }).toEqual({ status: 0, stderr: '' });
    const out = JSON.parse(ran.stdout.trim().split('\n').pop()!) as {
      runs: Record<string, { run_id: string; end: { type: string; code?: string } }>;
      progress: { run_id: string; seq: number; percent: number }[];
      events: { run_id: string; seq: number; type: string }[];
      unknown: number;
      invalid: number;
    };
    const { runs } = out;
    expect(runs.progress_probe.end).toEqual({ type: 'agent_completed' });
    // Numbered in the run like every other event: started 1, progress 2, thinking 3, progress 4, the tool pair,
    // progress 7, then the answer.
    const probeRun = out.events.filter((e) => e.run_id === runs.progress_probe.run_id);
    expect(probeRun.map((e) => `${e.seq}:${e.type}`)).toEqual([
      '1:agent_started',
      `2:${NEW_TYPE}`,
      '3:agent_thinking',
      `4:${NEW_TYPE}`,
      '5:tool_executing',
      '6:tool_completed',
      `7:${NEW_TYPE}`,
      '8:agent_completed',
    ]);
    expect(out.progress.filter((p) => p.run_id === runs.progress_probe.run_id)).toEqual([
      { run_id: runs.progress_probe.run_id, seq: 2, percent: 0 },
      { run_id: runs.progress_probe.run_id, seq: 4, percent: 50 },
      { run_id: runs.progress_probe.run_id, seq: 7, percent: 100 },
    ]);
    // The generated validator of the copy knows its schema: 150 % is refused before it reaches the wire.
    expect(runs.progress_too_far.end).toEqual({ type: 'agent_error', code: 'CONTRACT_VIOLATION' });
    expect(out.progress.some((p) => p.run_id === runs.progress_too_far.run_id)).toBe(false);
    // An agent cannot end its own run through emit.
    expect(runs.progress_ender.end).toEqual({ type: 'agent_error', code: 'AGENT_FAILED' });
    expect({ unknown: out.unknown, invalid: out.invalid }).toEqual({ unknown: 0, invalid: 0 });
  });

  it('(c) the emit and handler types come from the spec: tsc accepts the probe and every @ts-expect-error in it', () => {
    const tsc = path.join(copy, 'node_modules', 'typescript', 'bin', 'tsc');
    const ran = run([
      tsc,
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--resolveJsonModule',
      '--esModuleInterop',
      '--types',
      'node',
      '--target',
      'es2022',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node',
      'probe/new-run-event.ts',
    ]);
    expect({ status: ran.status, out: ran.stdout }).toEqual({ status: 0, out: '' });
  });

  it('(d) the docs site of the copy lists it: message, fields and its place in the lifecycle', () => {
    const html = readFileSync(path.join(copy, 'generated', 'docs', 'index.html'), 'utf8');
    expect(html).toContain(`id="msg-${NEW_TYPE}"`);
    expect(html).toContain(`id="f-${NEW_TYPE}-percent"`);
    expect(html).toContain(`<tr data-state="${NEW_TYPE}">`);
    expect(html).toMatch(new RegExp(`class="lc-node[^"]*" data-state="${NEW_TYPE}"`));
  });
});
