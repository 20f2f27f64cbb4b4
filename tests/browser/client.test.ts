// The generated client in a real browser (issue 15): generated/client.ts and its ajv standalone validators, bundled
// for the browser by esbuild, on a page served from 127.0.0.1, in Debian's chromium driven by playwright-core. It
// connects to the real reference provider (auth service and dev tokens included) with the `jwt.<token>`
// subprotocol, runs an agent, survives a connection the server side drops, and meets an event type from the future
// served by the real replay server. Run with `npm run test:browser`; set CHROMIUM_PATH when chromium is elsewhere.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { validateServerMessage } from '../../generated/validators';
import { startFaultProxy, type FaultProxy } from '../../src/chaos';
import { startStack, type Stack } from '../../src/provider';
import { startReplayServer, type ReplayServer } from '../../src/verify/replay-server';
import { sessionWithUnknownEvent, UNKNOWN_TYPE } from '../integration/codegen/unknown-event-session';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const RUN_EVENTS = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'];
const REQUEST = 'Where can we cut our LLM spend?';

let bundle: Uint8Array;
let bundledInputs: string[];
let server: Server;
let origin: string;
let stack: Stack;
let proxy: FaultProxy;
let replay: ReplayServer;
let context: BrowserContext;
let userDataDir: string;

/** The client bundle for the browser: generated/client.ts with its validators (and their ajv runtime requires). */
async function bundleClient(): Promise<{ code: Uint8Array; inputs: string[] }> {
  const result = await build({
    entryPoints: [path.join(__dirname, 'client-page', 'entry.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs) };
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>netra client</title></head>
<body><script src="/client.js"></script></body></html>`;

async function token(authUrl: string, sub: string): Promise<string> {
  const response = await fetch(`${authUrl}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, permissions: ['chat'] }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  ({ code: bundle, inputs: bundledInputs } = await bundleClient());
  const gzip = gzipSync(bundle, { level: 9 }).length;
  mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  writeFileSync(
    path.join(ROOT, 'reports', 'client-bundle.json'),
    `${JSON.stringify({ minified_bytes: bundle.length, gzip_bytes: gzip }, null, 2)}\n`,
  );
  process.stdout.write(`generated client bundle: ${bundle.length} bytes minified, ${gzip} bytes gzip\n`);

  server = createServer((req, res) => {
    if (req.url === '/client.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The real reference provider, slow enough that a run is still going when its connection is dropped, behind a
  // TCP proxy that can drop every connection from the server side.
  stack = await startStack({ provider: { thinkMs: 250, toolMs: 250, jitter: 0 } });
  const upstream = new URL(stack.wsUrl);
  proxy = await startFaultProxy({ upstreamHost: upstream.hostname, upstreamPort: Number(upstream.port) });
  replay = await startReplayServer({ sessions: [sessionWithUnknownEvent()], speed: 0 });

  userDataDir = mkdtempSync(path.join(tmpdir(), 'netra-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  await replay?.close();
  await proxy?.close();
  await stack?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** A fresh page with the bundle loaded; page errors fail the test. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  expect(await page.evaluate(() => typeof (globalThis as any).NetraClient)).toBe('function');
  return { page, errors };
}

interface PageRun {
  events: { type: string; seq?: number; [key: string]: unknown }[];
  invalid: unknown[];
  unknown: unknown[];
  closes: { code: number; willReconnect: boolean }[];
  resumed: { run_id: string; last_seq: number }[][];
  protocols: string[][];
  negotiated: string[];
  end: { type: string; seq: number };
  runId: string;
}

/**
 * Runs one agent in the page: a NetraClient over the browser's own WebSocket (recording the subprotocols it offers
 * and the one the server chose), every event and client event collected, `notify` called with each event's type.
 */
function runInPage(page: Page, url: string, accessToken: string, userRequest: string): Promise<PageRun> {
  return page.evaluate(
    async ({ url, accessToken, userRequest, types }) => {
      const g = globalThis as any;
      const out: any = { events: [], invalid: [], unknown: [], closes: [], resumed: [], protocols: [], negotiated: [] };
      const Native = g.WebSocket;
      class Recording extends Native {
        constructor(u: string, protocols?: string[]) {
          super(u, protocols);
          out.protocols.push(protocols);
          this.addEventListener('open', () => out.negotiated.push(this.protocol));
        }
      }
      const client = new g.NetraClient({
        url,
        getToken: () => accessToken,
        WebSocket: Recording,
        onUnknown: (m: unknown) => out.unknown.push(m),
        reconnectDelayMs: 200,
        maxReconnectAttempts: 8,
      });
      for (const type of types) {
        client.on(type, (e: any) => {
          out.events.push(e);
          if (typeof g.netraEvent === 'function') g.netraEvent(e.type);
        });
      }
      client.on('invalid', (e: unknown) => out.invalid.push(e));
      client.on('close', (e: any) => out.closes.push({ code: e.code, willReconnect: e.willReconnect }));
      client.on('resumed', (e: any) => out.resumed.push(e.runs));
      await client.connect();
      const { run_id } = await client.startAgent({ user_request: userRequest });
      out.runId = run_id;
      out.end = await client.waitForRun(run_id);
      await client.close();
      return out;
    },
    { url, accessToken, userRequest, types: [...RUN_EVENTS, 'agent_error'] },
  );
}

function expectValidRun(run: PageRun): void {
  expect(run.invalid).toEqual([]);
  for (const event of run.events) expect(validateServerMessage(event)).toMatchObject({ ok: true });
  expect(new Set(run.events.map((e) => e.type))).toEqual(new Set(RUN_EVENTS));
  const seqs = run.events.map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // every seq once, in order, no hole
  expect(run.end.type).toBe('agent_completed');
  expect(run.end.seq).toBe(run.events.length);
}

describe('the generated client in chromium', () => {
  it('bundles for the browser, ajv runtime and formats included, and stays small', () => {
    expect(bundle.length).toBeLessThan(200_000);
    expect(gzipSync(bundle).length).toBeLessThan(30_000);
    // The standalone validators' requires resolved into the bundle (the pages below load it and run it).
    expect(bundledInputs).toEqual(
      expect.arrayContaining([
        'generated/client.ts',
        'generated/validators/index.js',
        'node_modules/ajv/dist/runtime/ucs2length.js',
        'node_modules/ajv-formats/dist/formats.js',
      ]),
    );
  });

  it('runs an agent on the real provider over the jwt.<token> subprotocol: five event types, each valid', async () => {
    const { page, errors } = await openPage();
    const accessToken = await token(stack.authUrl, 'browser-alice');
    const run = await runInPage(page, stack.wsUrl, accessToken, REQUEST);
    expect(run.protocols).toEqual([[`jwt.${accessToken}`]]);
    expect(run.negotiated).toEqual([`jwt.${accessToken}`]);
    expectValidRun(run);
    expect(run.closes).toEqual([{ code: 1000, willReconnect: false }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('survives a connection the server side drops mid-run, resuming on its own with nothing lost or repeated', async () => {
    const { page, errors } = await openPage();
    let dropped = false;
    await page.exposeFunction('netraEvent', (type: string) => {
      if (type !== 'agent_thinking' || dropped) return;
      dropped = true;
      // Every connection through the proxy is reset from the server side; it listens again 600 ms later.
      void proxy.cut().then(() => new Promise((resolve) => setTimeout(resolve, 600)).then(() => proxy.restore()));
    });
    const accessToken = await token(stack.authUrl, 'browser-bob');
    const run = await runInPage(page, proxy.url('ws', '/ws'), accessToken, REQUEST);
    expect(dropped).toBe(true);
    expect(run.closes[0]).toMatchObject({ willReconnect: true });
    expect(run.closes[0].code).not.toBe(1000);
    expect(run.resumed.length).toBeGreaterThanOrEqual(1);
    expect(run.resumed.flat()).toContainEqual({ run_id: run.runId, last_seq: expect.any(Number) });
    expect(run.protocols.length).toBeGreaterThanOrEqual(2);
    expectValidRun(run);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hands an event type the contract does not know to onUnknown (the real replay server)', async () => {
    const { page, errors } = await openPage();
    const accessToken = await token(replay.authUrl, 'nora');
    const run = await runInPage(
      page,
      replay.url,
      accessToken,
      'Hi! Where is our AI money going, and how can we spend less of it?',
    );
    expect(run.unknown).toEqual([expect.objectContaining({ type: UNKNOWN_TYPE, run_id: run.runId, seq: 2 })]);
    expect(run.invalid).toEqual([]);
    expect(run.events.map((e) => e.seq)).not.toContain(2);
    expect(run.end.type).toBe('agent_completed');
    expect(errors).toEqual([]);
    expect((await replay.done).sessions[0].mismatches).toEqual([]);
    await page.close();
  });
});
