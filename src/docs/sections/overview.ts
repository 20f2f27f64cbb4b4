import { escapeHtml, type AnchorIds } from '../escape';
import { deriveFields } from '../fields';
import { renderInline, renderMarkdown } from '../markdown';
import { directionLabel, type DocsModel } from '../model';
import type { NavEntry } from './nav';
import { isRecord } from '../../util/records';

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** A `key | value` table of an extension's (or any mapping's) scalar entries; nested values as JSON. */
function mappingTable(value: Record<string, unknown>): string {
  const rows = Object.entries(value).map(
    ([key, v]) => `<tr><td><code>${escapeHtml(key)}</code></td><td><code>${escapeHtml(scalarText(v))}</code></td></tr>`,
  );
  return `<table class="kv-table"><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Close codes as the document states them: a paragraph that starts with "Close codes" (bold or not), listing
 * `<code> <meaning>` items separated by semicolons. Empty when the document has no such paragraph.
 *
 * @example
 * closeCodesOf('**Close codes.** 1000 normal; 1008 policy: token expired.');
 * // [{ code: 1000, meaning: 'normal' }, { code: 1008, meaning: 'policy: token expired' }]
 */
export function closeCodesOf(text: string | undefined): { code: number; meaning: string }[] {
  if (text === undefined) return [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const flat = paragraph.replace(/\s*\n\s*/g, ' ').trim();
    const head = /^(?:\*\*|__)?close codes\.?(?:\*\*|__)?[.:]?\s*/i.exec(flat);
    if (head === null) continue;
    const items = flat
      .slice(head[0].length)
      .split(/;\s*/)
      .map((item) => /^(\d{4})\s+(.+?)\.?$/.exec(item.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ code: Number(m[1]), meaning: m[2] }));
    if (items.length >= 2) return items;
  }
  return [];
}

/**
 * The Overview section: what the channel carries, its limits and every message at a glance.
 *
 * @example
 * const { html, nav } = overviewSection(model);
 */
export function overviewSection(model: DocsModel): { html: string; nav: NavEntry } {
  const { spec } = model;
  const parts: string[] = ['<section id="overview">', '<h2>Overview</h2>'];
  const facts = [
    `version <code>${escapeHtml(spec.version)}</code>`,
    `AsyncAPI <code>${escapeHtml(spec.asyncapiVersion)}</code>`,
  ];
  if (spec.id !== undefined) facts.push(`id <code>${escapeHtml(spec.id)}</code>`);
  facts.push(`generated from <code>${escapeHtml(model.sources.spec)}</code>`);
  parts.push(`<p class="lead">${escapeHtml(spec.title)}: ${facts.join(' · ')}</p>`);
  parts.push(renderMarkdown(spec.description));
  for (const channel of spec.channels) {
    parts.push(`<h3>Channel <code>${escapeHtml(channel.address || channel.id)}</code></h3>`);
    parts.push(renderMarkdown(channel.description));
    for (const [key, value] of Object.entries(channel.extensions)) {
      if (!isRecord(value)) continue;
      parts.push(
        `<h4>${escapeHtml(key === 'x-netra-limits' ? 'Limits' : key)} <span class="muted">(<code>${escapeHtml(key)}</code>)</span></h4>`,
      );
      parts.push(mappingTable(value));
    }
  }
  if (spec.messages.length > 0) {
    parts.push('<h3>Messages at a glance</h3>');
    const rows = spec.messages.map((m) => {
      const anchor = model.messageAnchors.get(m.name) as string;
      return (
        `<tr><td><a href="#${anchor}"><code>${escapeHtml(m.name)}</code></a></td>` +
        `<td><span class="badge ${m.direction}">${escapeHtml(directionLabel(m.direction, model.role))}</span></td>` +
        `<td>${renderInline(m.summary ?? m.title ?? '')}</td></tr>`
      );
    });
    parts.push(
      `<table><thead><tr><th>Message</th><th>Direction</th><th>Purpose</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  if (model.rules?.lifecycle !== undefined) {
    parts.push(`<p>How a run’s events follow each other: <a href="#lifecycle">Lifecycle</a>.</p>`);
  }
  parts.push('</section>');
  return { html: parts.join('\n'), nav: { id: 'overview', label: 'Overview' } };
}

/**
 * The Connecting & auth section: servers, the handshake's headers (from the channel's ws binding), every security
 * scheme, how to refresh, and the close codes the document lists.
 *
 * @example
 * const { html, nav } = connectingSection(model, new AnchorIds());
 */
export function connectingSection(model: DocsModel, anchors: AnchorIds): { html: string; nav: NavEntry } {
  const { spec } = model;
  const parts: string[] = ['<section id="connecting">', '<h2>Connecting &amp; auth</h2>'];
  const schemeAnchor = new Map(
    spec.securitySchemes.map((s) => [s.id, anchors.take(`auth-${s.id.replace(/[^A-Za-z0-9_.-]+/g, '_')}`)]),
  );
  if (spec.servers.length > 0) {
    const rows = spec.servers.map((server) => {
      const url = `${server.protocol}://${server.host}${server.pathname ?? ''}`;
      const security = server.security
        .map((id) =>
          schemeAnchor.has(id)
            ? `<a href="#${schemeAnchor.get(id)}"><code>${escapeHtml(id)}</code></a>`
            : `<code>${escapeHtml(id)}</code>`,
        )
        .join(' or ');
      return `<tr><td><code>${escapeHtml(server.id)}</code></td><td><code>${escapeHtml(url)}</code></td><td>${security || '<span class="muted">none</span>'}</td></tr>`;
    });
    parts.push('<h3>Servers</h3>');
    parts.push(
      `<table><thead><tr><th>Server</th><th>URL</th><th>Authentication (any one)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  for (const channel of spec.channels) {
    const ws = isRecord(channel.bindings) ? channel.bindings.ws : undefined;
    if (!isRecord(ws)) continue;
    parts.push(`<h3>Handshake of <code>${escapeHtml(channel.address || channel.id)}</code></h3>`);
    if (typeof ws.method === 'string') parts.push(`<p>HTTP method <code>${escapeHtml(ws.method)}</code>.</p>`);
    for (const [key, label] of [
      ['headers', 'Headers'],
      ['query', 'Query parameters'],
    ] as const) {
      if (!isRecord(ws[key])) continue;
      const table = deriveFields(ws[key] as Record<string, unknown>);
      const rows = table.rows
        .filter((r) => r.depth === 0)
        .map(
          (r) =>
            `<tr><td><code>${escapeHtml(r.name)}</code></td><td><code>${escapeHtml(r.type)}</code>${r.required ? ' <span class="req">required</span>' : ''}</td>` +
            `<td>${r.constraints.map((c) => `${escapeHtml(c.key)}${c.value !== undefined ? ` <code>${escapeHtml(c.value)}</code>` : ''}`).join('<br>')}</td>` +
            `<td>${renderMarkdown(r.description)}</td></tr>`,
        );
      parts.push(`<h4>${label}</h4>`);
      parts.push(
        `<table class="handshake"><thead><tr><th>Name</th><th>Type</th><th>Constraints</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      );
    }
  }
  if (spec.securitySchemes.length > 0) {
    parts.push('<h3>Authentication</h3>');
    for (const scheme of spec.securitySchemes) {
      const facts: [string, string | undefined][] = [
        ['type', scheme.type],
        ['scheme', scheme.scheme],
        ['bearer format', scheme.bearerFormat],
        ['in', scheme.in],
        ['name', scheme.name],
      ];
      const dl = facts
        .filter((f): f is [string, string] => f[1] !== undefined)
        .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd><code>${escapeHtml(v)}</code></dd>`)
        .join('');
      parts.push(`<h4 id="${schemeAnchor.get(scheme.id)}"><code>${escapeHtml(scheme.id)}</code></h4>`);
      parts.push(`<dl class="kv">${dl}</dl>`);
      parts.push(renderMarkdown(scheme.description));
    }
  }
  const refresh = spec.messages.filter((m) => /refresh/i.test(m.name) || /refresh/i.test(m.type ?? ''));
  if (refresh.length > 0) {
    parts.push('<h3>Refreshing the token</h3>');
    for (const m of refresh) {
      parts.push(
        `<p><a href="#${model.messageAnchors.get(m.name)}"><code>${escapeHtml(m.name)}</code></a>: ${renderInline(m.summary ?? m.title ?? '')}</p>`,
      );
      parts.push(renderMarkdown(m.description));
    }
  }
  const codes =
    [spec.description, ...spec.channels.map((c) => c.description)].map(closeCodesOf).find((list) => list.length > 0) ??
    [];
  if (codes.length > 0) {
    parts.push('<h3>Close codes</h3>');
    const rows = codes.map((c) => `<tr><td><code>${c.code}</code></td><td>${renderInline(c.meaning)}</td></tr>`);
    parts.push(`<table><thead><tr><th>Code</th><th>Meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  if (parts.length === 2)
    parts.push('<p class="muted">The document describes no servers, handshake or security schemes.</p>');
  parts.push('</section>');
  return { html: parts.join('\n'), nav: { id: 'connecting', label: 'Connecting & auth' } };
}
