import { escapeHtml } from '../escape';

/** One entry of the left navigation: a link to a section, or a group label. */
export interface NavEntry {
  id?: string;
  label?: string;
  /** Shown in a monospace font (message and rule names). */
  mono?: boolean;
  /** A non-link label heading the entries after it. */
  group?: string;
  /** Ties a group label to the messages it heads, so search can hide it with them. */
  groupKey?: string;
  children?: NavEntry[];
}

function entryHtml(entry: NavEntry): string {
  if (entry.group !== undefined) {
    const key = entry.groupKey !== undefined ? ` data-group-heading="${escapeHtml(entry.groupKey)}"` : '';
    return `<li class="group"${key}>${escapeHtml(entry.group)}</li>`;
  }
  const label = escapeHtml(entry.label ?? entry.id ?? '');
  const link = `<a href="#${escapeHtml(entry.id ?? '')}">${entry.mono ? `<span class="mono">${label}</span>` : label}</a>`;
  const children =
    entry.children !== undefined && entry.children.length > 0
      ? `<ul>${entry.children.map(entryHtml).join('')}</ul>`
      : '';
  return `<li>${link}${children}</li>`;
}

/**
 * The left navigation as a nested list of anchors.
 *
 * @example
 * navHtml([{ id: 'overview', label: 'Overview' }]); // '<nav ...><ul><li><a href="#overview">Overview</a></li></ul></nav>'
 */
export function navHtml(entries: NavEntry[]): string {
  return `<nav id="nav" aria-label="Contents"><ul>${entries.map(entryHtml).join('\n')}</ul></nav>`;
}
