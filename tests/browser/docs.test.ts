import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateDocs, writeDocs } from '../../src/docs';

// Drives Debian's chromium (headless, via playwright-core) over the generated site, served by a real local HTTP
// server and opened from file://. Run with `npm run test:browser`; set CHROMIUM_PATH when chromium is elsewhere.

jest.setTimeout(120_000);

// The callbacks given to waitForFunction run in the page, not in Node: its globals, typed for them only.
interface PageElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { top: number };
  classList: { contains(name: string): boolean };
}
declare const document: {
  body: PageElement;
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
};
declare const location: { hash: string };

const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCREENSHOT = path.join(ROOT, 'reports', 'docs-screenshot.png');
const EVENTS = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'];
const SESSIONS = path.join(ROOT, 'contracts', 'sessions');

let site: string;
let server: Server;
let origin: string;
let browser: Browser;
const served: string[] = [];

function contentType(file: string): string {
  if (file.endsWith('.html')) return 'text/html; charset=utf-8';
  if (file.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  site = mkdtempSync(path.join(tmpdir(), 'netra-docs-browser-'));
  const docs = await generateDocs({
    specFile: path.join(ROOT, 'asyncapi.yaml'),
    sessionsDir: SESSIONS,
    rulesDir: path.join(ROOT, 'contracts'),
    registryDir: path.join(ROOT, 'schemas'),
    projectRoot: ROOT,
  });
  await writeDocs(site, docs.files);

  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    served.push(url.pathname);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(site, rel);
    if (!file.startsWith(site + path.sep) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': contentType(file) }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (site) rmSync(site, { recursive: true, force: true });
});

/** Opens a page and records every request it makes and every error it reports (CSP violations included). */
async function openPage(url: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, errors };
}

async function isVisible(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().isVisible();
}

async function checkEvents(page: Page): Promise<void> {
  const recorded = existsSync(SESSIONS);
  for (const event of EVENTS) {
    const article = page.locator(`article#msg-${event}`);
    expect(await article.isVisible()).toBe(true);
    const schema = JSON.parse(readFileSync(path.join(site, 'schemas', `${event}.json`), 'utf8')) as {
      properties: Record<string, unknown>;
    };
    for (const field of Object.keys(schema.properties)) {
      expect(await article.locator(`tr[data-field="${field}"]`).isVisible()).toBe(true);
    }
    const example = article.locator('pre.example').first();
    expect(await example.isVisible()).toBe(true);
    const payload = JSON.parse((await example.textContent()) ?? '') as { type?: string };
    expect(payload.type).toBe(event);
    const source = await article.locator('[data-example-source]').first().getAttribute('data-example-source');
    // With recorded sessions, the five run events must come from them; before any is recorded, from the document.
    expect(source).toBe(recorded ? 'session' : 'document');
  }
}

describe('docs site in chromium, served over http', () => {
  let page: Page;
  let requests: string[];
  let errors: string[];

  beforeAll(async () => {
    ({ page, requests, errors } = await openPage(`${origin}/`));
  });

  afterAll(async () => {
    await page?.close();
  });

  it('shows each of the five run events with its fields and an example', async () => {
    await checkEvents(page);
    expect(
      await page.locator('svg.lifecycle path.lc-edge[data-from="tool_executing"][data-to="tool_completed"]').count(),
    ).toBe(1);
  });

  it('navigates: a nav link scrolls its section to the top and becomes the active entry', async () => {
    for (const id of ['msg-tool_completed', 'lifecycle', 'msg-agent_thinking']) {
      const link = page.locator(`nav a[href="#${id}"]`);
      await link.click();
      await page.waitForFunction((h) => location.hash === `#${h}`, id);
      await page.waitForFunction((h) => {
        const top = document.getElementById(h)?.getBoundingClientRect().top ?? -1;
        return top >= 0 && top < 120;
      }, id);
      await page.waitForFunction(
        (h) => document.querySelector(`nav a[href="#${h}"]`)?.classList.contains('active'),
        id,
      );
      expect(await link.getAttribute('aria-current')).toBe('location');
      expect(await page.locator('nav a.active').count()).toBe(1);
    }
  });

  it('filters messages and fields as you type, with a match count and a no-match state', async () => {
    const search = page.locator('#search');
    await search.fill('tool_call_id');
    await page.waitForFunction(() => document.body.getAttribute('data-matches') === '2');
    expect(await isVisible(page, 'article#msg-tool_executing')).toBe(true);
    expect(await isVisible(page, 'article#msg-tool_completed')).toBe(true);
    expect(await isVisible(page, 'article#msg-agent_thinking')).toBe(false);
    expect(await isVisible(page, 'article#msg-start_agent')).toBe(false);
    expect(await isVisible(page, 'nav a[href="#msg-agent_thinking"]')).toBe(false);
    expect(await isVisible(page, 'nav a[href="#msg-tool_completed"]')).toBe(true);
    expect(await page.locator('article#msg-tool_completed tr.hit[data-field="tool_call_id"]').count()).toBe(1);
    expect(await page.locator('#search-status').textContent()).toBe('2 messages, 2 fields');
    await page.screenshot({ path: path.join(ROOT, 'reports', 'docs-screenshot-search.png') });

    await search.fill('no_such_field_anywhere');
    await page.waitForFunction(() => document.body.getAttribute('data-matches') === '0');
    expect(await page.locator('#search-status').textContent()).toContain('No match');
    expect(await page.locator('article.message:visible').count()).toBe(0);

    await search.press('Escape');
    await page.waitForFunction(() => document.body.getAttribute('data-matches') === '-1');
    expect(await page.locator('article.message:visible').count()).toBe(await page.locator('article.message').count());
    expect(await isVisible(page, 'section#overview')).toBe(true);
  });

  it('offers each message’s JSON Schema as a download from the same site', async () => {
    const href = await page.locator('article#msg-agent_started a[download]').getAttribute('href');
    expect(href).toBe('schemas/agent_started.json');
    const response = await page.request.get(`${origin}/${href}`);
    expect(response.status()).toBe(200);
    expect((await response.json()).title).toBe('AgentStarted');
  });

  it('made no request but to the local server, and logged no error', async () => {
    await page.locator('nav a[href="#lifecycle"]').click();
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(served).toContain('/');
    expect(errors).toEqual([]);
  });
});

describe('docs site in chromium, opened from file://', () => {
  it('works offline from the file system: events, search, no other request', async () => {
    const { page, requests, errors } = await openPage(pathToFileURL(path.join(site, 'index.html')).href);
    try {
      await checkEvents(page);
      await page.locator('#search').fill('reasoning');
      await page.waitForFunction(() => document.body.getAttribute('data-matches') === '1');
      expect(await isVisible(page, 'article#msg-agent_thinking')).toBe(true);
      expect(await isVisible(page, 'article#msg-agent_completed')).toBe(false);
      await page.locator('#search').fill('');
      await page.locator('nav a[href="#changelog"]').click();
      await page.waitForFunction(() => location.hash === '#changelog');
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('docs site widths', () => {
  /** Elements wider than the viewport's right edge, by selector-ish name, widest first (what makes the page scroll). */
  async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
    return page.evaluate(() => {
      const d = globalThis as any;
      const width = d.innerWidth as number;
      const culprits: { name: string; right: number }[] = [];
      for (const el of d.document.querySelectorAll('body *')) {
        const right = el.getBoundingClientRect().right as number;
        if (right > width + 1) {
          const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
          culprits.push({
            name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}`,
            right: Math.round(right),
          });
        }
      }
      culprits.sort((a, b) => b.right - a.right);
      return {
        scrollWidth: d.document.documentElement.scrollWidth,
        innerWidth: width,
        culprits: culprits.slice(0, 8).map((c) => `${c.name} (${c.right})`),
      };
    });
  }

  for (const width of [1280, 1400, 1920]) {
    it(`has no horizontal scroll at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.goto(`${origin}/`, { waitUntil: 'load' });
        const measured = await overflow(page);
        expect(measured).toEqual({ scrollWidth: width, innerWidth: width, culprits: [] });
        if (width === 1280) {
          await page.screenshot({ path: path.join(ROOT, 'reports', 'docs-1280.png') });
        }
      } finally {
        await page.close();
      }
    });
  }

  it('is one readable column at 390 px (a phone): no horizontal scroll, navigation above the content', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await page.goto(`${origin}/`, { waitUntil: 'load' });
      const measured = await overflow(page);
      expect(measured).toEqual({ scrollWidth: 390, innerWidth: 390, culprits: [] });
      const nav = await page.locator('nav').first().boundingBox();
      const main = await page.locator('main').boundingBox();
      expect(nav).not.toBeNull();
      expect(main).not.toBeNull();
      expect(main!.width).toBeGreaterThan(390 * 0.85); // the content uses the width
      expect(main!.y).toBeGreaterThanOrEqual(nav!.y + nav!.height - 1); // stacked, not side by side
      const fontSize = await page.evaluate(() =>
        parseFloat((globalThis as any).getComputedStyle((globalThis as any).document.querySelector('main p')).fontSize),
      );
      expect(fontSize).toBeGreaterThanOrEqual(14);
      await page.screenshot({ path: path.join(ROOT, 'reports', 'docs-390.png') });
      await page.locator('article#msg-agent_completed').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ROOT, 'reports', 'docs-390-fields.png') });
    } finally {
      await page.close();
    }
  });
});
