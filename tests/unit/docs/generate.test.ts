import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { closeCodesOf, generateDocs, writeDocs } from '../../../src/docs';
import { registerSpec } from '../../../src/registry';
import { loadSpec, loadSpecFromString, type Spec } from '../../../src/asyncapi';

// The first load starts the loader's worker process and builds the AsyncAPI parser: seconds on a loaded machine.
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');
const SPEC_FILE = path.join(ROOT, 'asyncapi.yaml');

let spec: Spec;
let work: string;

beforeAll(async () => {
  spec = await loadSpec(SPEC_FILE);
  work = mkdtempSync(path.join(tmpdir(), 'netra-docs-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function jsonl(records: unknown[]): string {
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

const header = (specName: string, scenario: string): unknown => ({
  kind: 'header',
  spec: specName,
  scenario,
  recorded_at: '2026-11-24T10:00:00.000Z',
  provider: 'test',
});
const open = { kind: 'open', t: 0, conn: 'c1', user: 'alice' };
const started = (runId: string): Record<string, unknown> => ({
  type: 'agent_started',
  event_id: 'evt_abcdef01',
  run_id: runId,
  thread_id: 'thr_abcdef01',
  user_id: 'alice',
  agent_name: 'cost_optimizer',
  seq: 1,
  timestamp: '2026-11-24T10:00:00.010Z',
  request_id: 'req-1',
});

function writeSessions(dir: string): void {
  mkdirSync(dir, { recursive: true });
  // Sorted first, but recorded against another contract: never an example source.
  writeFileSync(
    path.join(dir, 'a-other.session.jsonl'),
    jsonl([
      header('Some Other API@1.0.0', 'other'),
      open,
      { kind: 'frame', t: 1, conn: 'c1', dir: 's2c', msg: started('run_other000') },
    ]),
  );
  writeFileSync(
    path.join(dir, 'b-happy.session.jsonl'),
    jsonl([
      header('Netra Agent WebSocket@1.0.0', 'happy'),
      open,
      // line 3: a negative frame (unknown field on a closed message): not an example
      {
        kind: 'frame',
        t: 2,
        conn: 'c1',
        dir: 'c2s',
        msg: { type: 'start_agent', request_id: 'req-1', user_request: 'x', content: 'y' },
      },
      // line 4: the first valid start_agent
      {
        kind: 'frame',
        t: 3,
        conn: 'c1',
        dir: 'c2s',
        msg: { type: 'start_agent', request_id: 'req-1', user_request: 'Optimise my AI costs.' },
      },
      // line 5
      { kind: 'frame', t: 4, conn: 'c1', dir: 's2c', msg: started('run_happy0001') },
      // line 6: a token the recorder redacted still makes a valid example
      { kind: 'frame', t: 5, conn: 'c1', dir: 'c2s', msg: { type: 'auth_refresh', token: '<redacted>' } },
      { kind: 'close', t: 6, conn: 'c1', code: 1000, reason: '', by: 'client' },
    ]),
  );
  writeFileSync(
    path.join(dir, 'c-later.session.jsonl'),
    jsonl([
      header('Netra Agent WebSocket@1.0.0', 'later'),
      open,
      { kind: 'frame', t: 1, conn: 'c1', dir: 's2c', msg: started('run_later0001') },
    ]),
  );
}

function section(html: string, id: string): string {
  const start = html.indexOf(`<article class="message" id="${id}"`);
  return html.slice(start, html.indexOf('</article>', start));
}

describe('generateDocs on asyncapi.yaml', () => {
  it('is byte-identical from run to run and writes exactly its files', async () => {
    const options = {
      spec,
      rulesDir: path.join(ROOT, 'contracts'),
      registryDir: path.join(work, 'no-registry'),
      projectRoot: ROOT,
    };
    const a = await generateDocs(options);
    const b = await generateDocs(options);
    expect([...a.files.keys()]).toEqual(['index.html', ...spec.messages.map((m) => `schemas/${m.name}.json`)]);
    expect([...b.files.entries()]).toEqual([...a.files.entries()]);
    const out = path.join(work, 'site');
    await writeDocs(out, a.files);
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toBe(a.files.get('index.html'));
    expect(await writeDocs(out, a.files)).toEqual([]);
  });

  it('shows every message with its fields, a download link and a direction badge', async () => {
    const { files } = await generateDocs({ spec, projectRoot: ROOT });
    const html = files.get('index.html') as string;
    for (const message of spec.messages) {
      const part = section(html, `msg-${message.name}`);
      expect(part).toContain(`<a href="schemas/${message.name}.json" download>`);
      expect(part).toContain('<tr id="f-');
      const schema = JSON.parse(files.get(`schemas/${message.name}.json`) as string);
      expect(Object.keys(schema.properties)).toContain('type');
      for (const field of Object.keys(schema.properties)) expect(part).toContain(`data-field="${field}"`);
    }
    expect(section(html, 'msg-agent_completed')).toContain(
      'data-field="result.recommendations[].estimated_monthly_savings_usd"',
    );
    expect(section(html, 'msg-agent_started')).toContain('<span class="badge send">server → client</span>');
    expect(section(html, 'msg-start_agent')).toContain('<span class="badge receive">client → server</span>');
  });

  it('loads nothing from outside the page: strict CSP whose hashes match the inline style and script', async () => {
    const html = (await generateDocs({ spec, rulesDir: path.join(ROOT, 'contracts'), projectRoot: ROOT })).files.get(
      'index.html',
    ) as string;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] as string;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] as string;
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\(\s*['"]?[a-z]/i);
    expect(script).not.toMatch(/fetch\(|XMLHttpRequest|import\(/);
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('draws the lifecycle from the rules and lists rules and timing profiles', async () => {
    const html = (await generateDocs({ spec, rulesDir: path.join(ROOT, 'contracts'), projectRoot: ROOT })).files.get(
      'index.html',
    ) as string;
    expect(html).toContain('<svg class="lifecycle"');
    expect(html).toContain('data-from="tool_executing" data-to="tool_completed"');
    expect(html).toContain('id="rule-order.allowed-transitions"');
    expect(html).toMatch(
      /<tr data-key="first_event_ms"><td><code>first_event_ms<\/code><\/td><td class="mono">100<\/td>/,
    );
  });

  it('degrades gracefully when sessions, rules and registry do not exist', async () => {
    const missing = path.join(work, 'missing');
    const site = await generateDocs({
      spec,
      sessionsDir: missing,
      rulesDir: missing,
      registryDir: missing,
      projectRoot: work,
    });
    const html = site.files.get('index.html') as string;
    expect(html).toContain('No lifecycle rules');
    expect(html).toContain('No rules in <code>missing</code>');
    expect(html).toContain('No schema registry yet');
    expect(html).toContain('No recorded sessions in <code>missing</code> yet');
    expect(site.stats).toMatchObject({
      recordedExamples: 0,
      documentExamples: spec.messages.length,
      rules: 0,
      lifecycle: false,
    });
  });

  it('refuses rules or profiles that exist but are malformed, with the rules engine’s typed errors (exit 2)', async () => {
    const dir = path.join(work, 'bad-rules');
    mkdirSync(path.join(dir, 'rules'), { recursive: true });
    writeFileSync(path.join(dir, 'rules', 'order.yaml'), 'just: [a, list\n');
    await expect(generateDocs({ spec, rulesDir: dir })).rejects.toMatchObject({ code: 'RULES_INVALID', exitCode: 2 });
    rmSync(path.join(dir, 'rules'), { recursive: true });
    writeFileSync(path.join(dir, 'profiles.yaml'), 'profiles: { local: { first_event_ms: fast } }\n');
    await expect(generateDocs({ spec, rulesDir: dir })).rejects.toMatchObject({
      code: 'PROFILES_INVALID',
      exitCode: 2,
    });
  });
});

describe('examples from recorded sessions', () => {
  let html: string;
  let stats: Awaited<ReturnType<typeof generateDocs>>['stats'];

  beforeAll(async () => {
    writeSessions(path.join(work, 'sessions'));
    const site = await generateDocs({ spec, sessionsDir: path.join(work, 'sessions'), projectRoot: work });
    html = site.files.get('index.html') as string;
    stats = site.stats;
  });

  it('takes the first valid frame of each type, in sorted files, skipping other contracts and invalid frames', () => {
    expect(section(html, 'msg-start_agent')).toContain(
      'Recorded in <code>sessions/b-happy.session.jsonl</code> line 4, scenario <code>happy</code>.',
    );
    expect(section(html, 'msg-start_agent')).toContain('Optimise my AI costs.');
    expect(section(html, 'msg-agent_started')).toContain(
      'Recorded in <code>sessions/b-happy.session.jsonl</code> line 5',
    );
    expect(section(html, 'msg-agent_started')).toContain('run_happy0001');
    expect(html).not.toContain('run_other000');
    expect(html).not.toContain('run_later0001');
  });

  it('accepts values the recorder redacted, and says so', () => {
    const part = section(html, 'msg-auth_refresh');
    expect(part).toContain('line 6');
    expect(part).toContain('The recorder redacted <code>/token</code>.');
  });

  it('falls back to the document’s own examples, labelled, for messages no session holds', () => {
    const part = section(html, 'msg-agent_completed');
    expect(part).toContain('data-example-source="document"');
    expect(part).toContain('From the document');
    expect(part).not.toContain('data-example-source="session"');
    expect(stats.recordedExamples).toBe(3);
    expect(stats.documentExamples).toBe(spec.messages.length - 3);
  });
});

describe('changelog from the schema registry', () => {
  it('shows each message’s versions, the changes between them and the verdict', async () => {
    const registry = path.join(work, 'registry');
    await registerSpec({ spec: SPEC_FILE, registryDir: registry, date: '2026-11-24' });
    const text = readFileSync(SPEC_FILE, 'utf8');
    // v2 of agent_started: one new optional field (compatible for an open server message).
    const anchor = '    AgentStarted:\n      type: object\n      title: AgentStarted\n';
    expect(text).toContain(anchor);
    const next = text
      .replace('version: 1.0.0', 'version: 1.1.0')
      .replace(
        /( {4}AgentStarted:[\s\S]*?\n {6}properties:\n)/,
        '$1        queue_position:\n          type: integer\n          description: Runs ahead of this one.\n',
      );
    const nextFile = path.join(work, 'asyncapi-next.yaml');
    writeFileSync(nextFile, next);
    await registerSpec({ spec: nextFile, registryDir: registry, date: '2026-11-25' });

    const site = await generateDocs({ spec: await loadSpec(nextFile), registryDir: registry, projectRoot: work });
    const html = site.files.get('index.html') as string;
    const block = (name: string): string => {
      const start = html.indexOf(`<div class="changelog-message" data-message="${name}">`);
      return start < 0 ? '' : html.slice(start, html.indexOf('</div>', start));
    };
    expect(site.stats.changelogVersions).toBe(spec.messages.length + 1);
    expect(block('agent_started')).toContain('mode <code>FORWARD_TRANSITIVE</code>');
    expect(block('agent_started')).toMatch(
      /<h4>v2 <span class="badge ok">compatible<\/span> <span class="muted">2026-11-25 · spec <code>1.1.0<\/code>/,
    );
    expect(block('agent_started')).toContain('<code>/properties/queue_position</code>');
    expect(block('agent_started')).toMatch(/<h4>v1 <span class="badge both">first version<\/span>/);
    expect(block('start_agent')).not.toContain('<h4>v2');
    // Messages in the spec's order.
    expect(html.indexOf('data-message="connection_established">')).toBeLessThan(
      html.indexOf('data-message="agent_started">'),
    );
  }, 60_000);
});

describe('escaping of document text', () => {
  it('never lets a document inject markup or script', async () => {
    const evil = await loadSpecFromString(
      `asyncapi: 3.0.0
info:
  title: '<script>alert(1)</script>'
  version: '1.0.0"><b>'
  description: 'Hi <img src=x onerror=alert(1)> [x](javascript:alert(1)) **<svg onload=alert(1)>**'
channels:
  c:
    address: '/ws<iframe>'
    messages:
      m:
        $ref: '#/components/messages/m'
operations:
  o:
    action: send
    channel:
      $ref: '#/channels/c'
components:
  messages:
    m:
      title: '<h1>T</h1>'
      summary: '</code></pre><script>alert(2)</script>'
      payload:
        type: object
        description: '<style>*{display:none}</style>'
        properties:
          'x"><script>alert(3)</script>':
            type: string
            pattern: '"><svg onload=alert(4)>'
            enum: ['<b>bold</b>']
            description: '<a href="javascript:alert(5)">x</a>'
      examples:
        - name: '<i>e</i>'
          payload:
            'x"><script>alert(3)</script>': '</script><script>alert(6)</script>'
`,
      path.join(work, 'evil.yaml'),
    );
    const html = (await generateDocs({ spec: evil, projectRoot: work })).files.get('index.html') as string;
    expect(html.match(/<script/g)).toHaveLength(1); // only the page's own
    expect(html.match(/<style/g)).toHaveLength(1);
    expect(html).not.toMatch(/<(img|svg onload|iframe|h1>T|i>|b>bold)/);
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(6)&lt;/script&gt;');
  });
});

describe('closeCodesOf', () => {
  it('reads the close codes paragraph of a description', () => {
    expect(
      closeCodesOf(
        'Intro.\n\n**Close codes.** 1000 normal; 1001 server draining (reconnect and `resume`); 1008 policy.',
      ),
    ).toEqual([
      { code: 1000, meaning: 'normal' },
      { code: 1001, meaning: 'server draining (reconnect and `resume`)' },
      { code: 1008, meaning: 'policy' },
    ]);
    expect(closeCodesOf('No codes here. 1000 is a number.')).toEqual([]);
    expect(closeCodesOf(spec.description).map((c) => c.code)).toEqual([1000, 1001, 1002, 1008, 1009, 1011, 1013]);
  });
});
