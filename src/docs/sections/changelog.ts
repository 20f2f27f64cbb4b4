import { escapeHtml } from '../escape';
import type { ChangelogVersion } from '../inputs/registry';
import { renderInline } from '../markdown';
import type { DocsModel } from '../model';
import type { NavEntry } from './nav';

const VERDICT_BADGE: Record<ChangelogVersion['verdict'], string> = {
  initial: '<span class="badge both">first version</span>',
  compatible: '<span class="badge ok">compatible</span>',
  breaking: '<span class="badge bad">breaking</span>',
};

function versionHtml(version: ChangelogVersion): string {
  const facts = `<span class="muted">${escapeHtml(version.date)} · spec <code>${escapeHtml(version.specVersion)}</code> · <code>${escapeHtml(version.file)}</code></span>`;
  const forced =
    version.forcedReason !== undefined
      ? `<p>Accepted although breaking: ${renderInline(version.forcedReason)}</p>`
      : '';
  const changes =
    version.changes.length === 0
      ? version.verdict === 'initial'
        ? ''
        : '<p class="muted">No change to the payload schema.</p>'
      : `<table class="changes"><thead><tr><th>Change</th><th>Where</th><th>What</th><th>Breaks</th></tr></thead><tbody>${version.changes
          .map(
            (c) =>
              `<tr><td><code>${escapeHtml(c.kind)}</code></td><td><code>${escapeHtml(c.pointer === '' ? '/' : c.pointer)}</code></td>` +
              `<td>${renderInline(c.detail)}</td><td>${c.breaking ? '<span class="badge bad">breaking</span> ' : ''}${escapeHtml(c.breaks)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<h4>v${version.version} ${VERDICT_BADGE[version.verdict]} ${facts}</h4>${forced}${changes}`;
}

/**
 * The Changelog section: per message, its registered versions, what changed and the registry's verdict.
 *
 * @example
 * const { html } = changelogSection(model);
 */
export function changelogSection(model: DocsModel): { html: string; nav: NavEntry } {
  const parts: string[] = ['<section id="changelog">', '<h2>Changelog</h2>'];
  const changelog = model.changelog;
  if (changelog === undefined) {
    parts.push('<p class="muted">No schema registry folder was given: no changelog.</p>');
  } else if (!changelog.present) {
    parts.push(
      `<p class="muted">No schema registry yet (<code>${escapeHtml(changelog.file)}</code> does not exist): no changelog.</p>`,
    );
  } else if (changelog.messages.length === 0) {
    parts.push(
      `<p class="muted">The schema registry (<code>${escapeHtml(changelog.file)}</code>) holds no versions yet.</p>`,
    );
  } else {
    parts.push(
      `<p class="lead">From the schema registry (<code>${escapeHtml(changelog.file)}</code>): every registered version of each message, ` +
        'the changes from the version before, and whether the registry judged them compatible under the message’s mode.</p>',
    );
    for (const message of changelog.messages) {
      const anchor = model.messageAnchors.get(message.name);
      const name =
        anchor !== undefined
          ? `<a href="#${anchor}"><code>${escapeHtml(message.name)}</code></a>`
          : `<code>${escapeHtml(message.name)}</code>`;
      const mode = ` <span class="muted">mode <code>${escapeHtml(message.mode)}</code></span>`;
      const removed =
        message.removed !== undefined
          ? `<p>Removed in spec <code>${escapeHtml(message.removed.specVersion)}</code> (${escapeHtml(message.removed.date)}): ${renderInline(message.removed.reason)}</p>`
          : '';
      const latest = message.versions[message.versions.length - 1];
      parts.push(
        `<div class="changelog-message" data-message="${escapeHtml(message.name)}"><h3>${name}${mode}` +
          `${latest !== undefined ? ` <span class="muted">latest v${latest.version}</span>` : ''}</h3>${removed}`,
      );
      for (const version of [...message.versions].reverse()) parts.push(versionHtml(version));
      parts.push('</div>');
    }
  }
  parts.push('</section>');
  return { html: parts.join('\n'), nav: { id: 'changelog', label: 'Changelog' } };
}
