import { escapeHtml, type AnchorIds } from '../escape';
import type { RuleDoc, RulesDoc } from '../inputs/rules';
import { lifecycleSvg } from '../lifecycle';
import { renderInline, renderMarkdown } from '../markdown';
import type { DocsModel } from '../model';
import type { NavEntry } from './nav';
import { isRecord } from '../../util/records';

/** A state or event type, linked to its message when the document has one of that type. */
function typeLink(model: DocsModel, type: string): string {
  const message = model.messageByType.get(type);
  const anchor = message !== undefined ? model.messageAnchors.get(message.name) : undefined;
  return anchor !== undefined
    ? `<a href="#${anchor}"><code>${escapeHtml(type)}</code></a>`
    : `<code>${escapeHtml(type)}</code>`;
}

function list(items: string[], conjunction: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

function missing(model: DocsModel, what: string): string {
  return model.sources.rules === undefined
    ? `<p class="muted">No rules folder was given, so there are no ${what} to show.</p>`
    : `<p class="muted">No ${what} in <code>${escapeHtml(model.sources.rules)}</code>.</p>`;
}

/**
 * The Lifecycle section: the run's state machine in words, as a table and as an SVG drawn from the rules' own
 * allowed-transitions table.
 *
 * @example
 * const { html } = lifecycleSection(model);
 */
export function lifecycleSection(model: DocsModel): { html: string; nav: NavEntry } {
  const parts: string[] = ['<section id="lifecycle">', '<h2>Lifecycle of a run</h2>'];
  const lifecycle = model.rules?.lifecycle;
  if (lifecycle === undefined) {
    parts.push(missing(model, 'lifecycle rules (an allowed-transitions table)'));
  } else {
    const family = model.rules?.families.find((f) => f.rules.some((r) => r.id === lifecycle.rule));
    if (family?.description !== undefined) parts.push(renderMarkdown(family.description));
    const terminals = lifecycle.terminals.map((t) => typeLink(model, t));
    parts.push(
      `<p>A run starts with ${typeLink(model, lifecycle.start)} and ends with exactly one of ${list(terminals, 'or')}; ` +
        'nothing of the run follows its terminal event. In between, each event may be followed only by the events listed here.</p>',
    );
    if (lifecycle.pair !== undefined) {
      const key =
        lifecycle.pair.key !== undefined ? ` with the same <code>${escapeHtml(lifecycle.pair.key)}</code>` : '';
      parts.push(
        `<p>A tool call is a pair: every ${typeLink(model, lifecycle.pair.open)} is closed by exactly one ${typeLink(model, lifecycle.pair.close)}${key}, before the terminal event.</p>`,
      );
    }
    parts.push(
      `<div class="lifecycle-box">${lifecycleSvg(lifecycle)}</div>`,
      '<p class="muted">The drawing is generated from the rules: ● marks the start, a double border a terminal event, ' +
        'dashed blue arrows go back to an earlier state, the dashed frame is the tool pair.' +
        (lifecycle.rule !== undefined
          ? ` Source: rule <a href="#${escapeHtml(ruleAnchor(lifecycle.rule))}"><code>${escapeHtml(lifecycle.rule)}</code></a>.`
          : '') +
        '</p>',
    );
    const rows = lifecycle.states.map((state) => {
      const next = lifecycle.edges.filter((e) => e.from === state).map((e) => typeLink(model, e.to));
      const role =
        state === lifecycle.start
          ? ' <span class="badge both">start</span>'
          : lifecycle.terminals.includes(state)
            ? ' <span class="badge both">terminal</span>'
            : '';
      return `<tr data-state="${escapeHtml(state)}"><td>${typeLink(model, state)}${role}</td><td>${next.length > 0 ? next.join(', ') : '<span class="muted">nothing</span>'}</td></tr>`;
    });
    parts.push(
      `<table class="transitions"><thead><tr><th>After</th><th>May come next</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  parts.push('</section>');
  return { html: parts.join('\n'), nav: { id: 'lifecycle', label: 'Lifecycle' } };
}

/** Anchor of a rule (rule ids are `[a-z0-9.-]`). */
function ruleAnchor(id: string): string {
  return `rule-${id.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
}

function paramHtml(value: unknown): string {
  if (isRecord(value) && typeof value.profile === 'string' && Object.keys(value).length === 1) {
    return `the timing profile’s <a href="#profiles"><code>${escapeHtml(value.profile)}</code></a>`;
  }
  return `<code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code>`;
}

function ruleHtml(rule: RuleDoc): string {
  const params = Object.entries(rule.params)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${paramHtml(v)}</dd>`)
    .join('');
  const severity =
    rule.severity === 'warning' ? '<span class="badge warn">warning</span>' : '<span class="badge bad">error</span>';
  return [
    `<div class="rule" id="${escapeHtml(ruleAnchor(rule.id))}">`,
    `<h4><a class="anchor" href="#${escapeHtml(ruleAnchor(rule.id))}">#</a> <code>${escapeHtml(rule.id)}</code> ${severity}</h4>`,
    renderMarkdown(rule.description),
    `<dl class="kv"><dt>check</dt><dd><code>${escapeHtml(rule.check)}</code></dd>${params}` +
      (rule.message !== '' ? `<dt>reports</dt><dd><code>${escapeHtml(rule.message)}</code></dd>` : '') +
      '</dl>',
    '</div>',
  ].join('\n');
}

/**
 * The Rules section: every behavioural rule, family by family, in words with its check and parameters.
 *
 * @example
 * const { html, nav } = rulesSection(model, new AnchorIds());
 */
export function rulesSection(model: DocsModel, anchors: AnchorIds): { html: string; nav: NavEntry } {
  const parts: string[] = ['<section id="rules">', '<h2>Behavioural rules</h2>'];
  const families = model.rules?.families ?? [];
  const children: NavEntry[] = [];
  if (families.length === 0) {
    parts.push(missing(model, 'rules'));
  } else {
    const count = families.reduce((n, f) => n + f.rules.length, 0);
    parts.push(
      `<p class="lead">${count} rules in ${families.length} families, checked on every recorded session and live by the test and load tools. ` +
        'A server that breaks one is not following the contract, even when every message matches its schema.</p>',
    );
    for (const family of families) {
      const id = anchors.take(`rules-${family.family.replace(/[^A-Za-z0-9_.-]+/g, '_')}`);
      const title = family.title ?? family.family;
      parts.push(
        `<h3 id="${id}">${renderInline(title)} <span class="muted">(<code>${escapeHtml(family.family)}</code>, ${escapeHtml(family.file)})</span></h3>`,
      );
      parts.push(renderMarkdown(family.description));
      for (const rule of family.rules) parts.push(ruleHtml(rule));
      children.push({ id, label: title });
    }
  }
  parts.push('</section>');
  return { html: parts.join('\n'), nav: { id: 'rules', label: 'Rules', children } };
}

/** Rule ids whose parameters take a profile key, by key. */
function profileUsers(rules: RulesDoc | undefined): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const rule of rules?.families.flatMap((f) => f.rules) ?? []) {
    for (const value of Object.values(rule.params)) {
      if (isRecord(value) && typeof value.profile === 'string')
        users.set(value.profile, [...(users.get(value.profile) ?? []), rule.id]);
    }
  }
  return users;
}

/**
 * The Timing profiles section: each profile's values side by side, with the rules that use each value.
 *
 * @example
 * const { html } = profilesSection(model);
 */
export function profilesSection(model: DocsModel): { html: string; nav: NavEntry } {
  const parts: string[] = ['<section id="profiles">', '<h2>Timing profiles</h2>'];
  const profiles = model.rules?.profiles;
  if (profiles === undefined) {
    parts.push(missing(model, 'timing profiles'));
  } else {
    parts.push(
      `<p class="lead">The timing rules take their limits from a profile (<code>${escapeHtml(profiles.file)}</code>); ` +
        `<code>verify --profile NAME</code> selects one, <code>${escapeHtml(profiles.defaultProfile)}</code> by default. Values in milliseconds.</p>`,
    );
    const keys: string[] = [];
    for (const p of profiles.profiles) for (const v of p.values) if (!keys.includes(v.key)) keys.push(v.key);
    const users = profileUsers(model.rules);
    const head = profiles.profiles
      .map(
        (p) =>
          `<th><code>${escapeHtml(p.name)}</code>${p.name === profiles.defaultProfile ? ' <span class="badge ok">default</span>' : ''}</th>`,
      )
      .join('');
    const rows = keys.map((key) => {
      const cells = profiles.profiles.map((p) => {
        const v = p.values.find((x) => x.key === key);
        return `<td class="mono">${v === undefined ? '—' : escapeHtml(String(v.value))}</td>`;
      });
      const usedBy = (users.get(key) ?? [])
        .map((id) => `<a href="#${escapeHtml(ruleAnchor(id))}"><code>${escapeHtml(id)}</code></a>`)
        .join(', ');
      return `<tr data-key="${escapeHtml(key)}"><td><code>${escapeHtml(key)}</code></td>${cells.join('')}<td>${usedBy}</td></tr>`;
    });
    const descriptions = profiles.profiles.map((p) => `<td>${renderInline(p.description ?? '')}</td>`).join('');
    parts.push(
      `<table class="profiles"><thead><tr><th>Limit</th>${head}<th>Used by</th></tr></thead><tbody>${rows.join('')}` +
        `<tr><td class="muted">what it is for</td>${descriptions}<td></td></tr></tbody></table>`,
    );
  }
  parts.push('</section>');
  return { html: parts.join('\n'), nav: { id: 'profiles', label: 'Timing profiles' } };
}
