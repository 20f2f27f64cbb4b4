import type { SpecMessage } from '../../asyncapi';
import { anchorId, escapeHtml, type AnchorIds } from '../escape';
import { deriveFields, type FieldConstraint, type FieldRow } from '../fields';
import { renderInline, renderMarkdown } from '../markdown';
import { DIRECTION_GROUPS, directionLabel, type DocsModel } from '../model';
import type { NavEntry } from './nav';

function constraintsHtml(constraints: FieldConstraint[]): string {
  if (constraints.length === 0) return '';
  const items = constraints.map(
    (c) => `<li>${escapeHtml(c.key)}${c.value !== undefined ? ` <code>${escapeHtml(c.value)}</code>` : ''}</li>`,
  );
  return `<ul class="cons">${items.join('')}</ul>`;
}

function pathHtml(row: FieldRow): string {
  if (row.kind === 'variant') return `<em>${escapeHtml(row.name)}</em>`;
  const cut = row.path.length - row.name.length;
  const parent = cut > 0 && row.path.endsWith(row.name) ? row.path.slice(0, cut) : '';
  const own = parent === '' ? row.path : row.name;
  // Allow the long dotted paths of nested fields to break after each segment.
  const breakable = (text: string): string => escapeHtml(text).replace(/(\.|\[\])/g, '$1<wbr>');
  return `${parent !== '' ? `<span class="parent">${breakable(parent)}</span>` : ''}<b>${escapeHtml(own)}</b>`;
}

function fieldsHtml(message: SpecMessage, anchors: AnchorIds, messageAnchor: string): string {
  const table = deriveFields(message.payload);
  const model = `<p class="muted">Payload: <code>${escapeHtml(table.type)}</code>${
    table.constraints.length > 0
      ? ` — ${table.constraints.map((c) => escapeHtml(c.value !== undefined ? `${c.key} ${c.value}` : c.key)).join('; ')}`
      : ''
  }</p>`;
  if (table.rows.length === 0) return `${model}<p class="muted">No fields are described.</p>`;
  const rows = table.rows.map((row) => {
    const id = anchors.take(
      anchorId('f', messageAnchor.replace(/^msg-/, ''), row.kind === 'variant' ? `${row.path}-option` : row.path),
    );
    const description = [
      row.description !== undefined ? renderMarkdown(row.description) : '',
      row.note !== undefined ? `<p class="muted">${renderInline(row.note)}</p>` : '',
    ]
      .filter(Boolean)
      .join('');
    const searchable = `${row.path} ${row.kind === 'variant' ? row.name : ''}`.trim().toLowerCase();
    return (
      `<tr id="${id}" class="${row.kind} d${Math.min(row.depth, 9)}" data-field="${escapeHtml(searchable)}">` +
      `<td><a class="anchor" href="#${id}" aria-label="link to this field">#</a> ${pathHtml(row)}</td>` +
      `<td><code>${escapeHtml(row.type)}</code></td>` +
      `<td>${row.kind === 'variant' ? '' : row.required ? '<span class="req">required</span>' : 'optional'}</td>` +
      `<td>${constraintsHtml(row.constraints)}</td>` +
      `<td>${description}</td></tr>`
    );
  });
  const omitted =
    table.omittedRows > 0
      ? `<p class="muted">${table.omittedRows} more fields are not listed here; see the JSON Schema.</p>`
      : '';
  return (
    `${model}<table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Constraints</th><th>Description</th></tr></thead>` +
    `<tbody>\n${rows.join('\n')}\n</tbody></table>${omitted}`
  );
}

function exampleHtml(model: DocsModel, message: SpecMessage): string {
  const recorded = model.recorded?.byMessage.get(message.name);
  if (recorded !== undefined) {
    const scenario = recorded.scenario !== undefined ? `, scenario <code>${escapeHtml(recorded.scenario)}</code>` : '';
    const redacted =
      recorded.redacted.length > 0
        ? ` The recorder redacted ${recorded.redacted.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')}.`
        : '';
    return (
      `<p class="provenance" data-example-source="session">Recorded in <code>${escapeHtml(recorded.file)}</code> line ${recorded.line}${scenario}.${redacted}</p>` +
      `<pre class="example"><code>${escapeHtml(JSON.stringify(recorded.payload, null, 2))}</code></pre>`
    );
  }
  if (message.examples.length > 0) {
    const why =
      model.recorded === undefined
        ? 'No recorded sessions were given'
        : model.recorded.files.length === 0
          ? `No recorded sessions in <code>${escapeHtml(model.sources.sessions ?? '')}</code> yet`
          : 'No recorded session holds a valid frame of this message';
    return message.examples
      .map((example, i) => {
        const label = [example.name, example.summary].filter((s): s is string => s !== undefined).join(': ');
        return (
          `<p class="provenance" data-example-source="document">From the document${label !== '' ? ` — ${renderInline(label)}` : ` (example ${i + 1})`}. ${why}.</p>` +
          `<pre class="example"><code>${escapeHtml(JSON.stringify(example.payload, null, 2))}</code></pre>`
        );
      })
      .join('\n');
  }
  return '<p class="muted" data-example-source="none">No recorded session holds this message and the document gives no example.</p>';
}

function messageHtml(model: DocsModel, message: SpecMessage, anchors: AnchorIds): string {
  const id = model.messageAnchors.get(message.name) as string;
  const direction = directionLabel(message.direction, model.role);
  const search = [message.name, message.type, message.title, message.summary]
    .filter((s): s is string => typeof s === 'string')
    .join(' ')
    .toLowerCase();
  const schemaFile = model.schemaFiles.get(message.name);
  const download =
    schemaFile !== undefined
      ? `<p><a href="${escapeHtml(schemaFile.path)}" download>Download the JSON Schema</a> <span class="muted">(<code>${escapeHtml(schemaFile.path)}</code>, ${(schemaFile.bytes / 1024).toFixed(1)} KB)</span></p>`
      : '';
  const heading =
    `<h3><a class="anchor" href="#${id}" aria-label="link to this message">#</a> <code>${escapeHtml(message.name)}</code>` +
    `<span class="badge ${message.direction}">${escapeHtml(direction)}</span>` +
    (message.type !== undefined && message.type !== message.name
      ? ` <span class="muted">type <code>${escapeHtml(message.type)}</code></span>`
      : '') +
    '</h3>';
  const title = [message.title, message.summary].filter((s): s is string => s !== undefined);
  return [
    `<article class="message" id="${id}" data-message="${escapeHtml(message.name)}" data-group="${message.direction}" data-search="${escapeHtml(search)}">`,
    heading,
    title.length > 0 ? `<p class="lead">${title.map(renderInline).join(' — ')}</p>` : '',
    renderMarkdown(message.description),
    '<h4>Fields</h4>',
    fieldsHtml(message, anchors, id),
    '<h4>Example</h4>',
    exampleHtml(model, message),
    '<h4>JSON Schema</h4>',
    download,
    '</article>',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The Messages section: messages grouped by direction, each with purpose, fields table, example and download.
 *
 * @example
 * const { html, nav } = messagesSection(model, new AnchorIds());
 */
export function messagesSection(model: DocsModel, anchors: AnchorIds): { html: string; nav: NavEntry } {
  const parts: string[] = [];
  const children: NavEntry[] = [];
  const recorded = model.recorded;
  const source =
    recorded === undefined
      ? 'Examples are the document’s own (no recorded sessions were given).'
      : `Examples are real frames from the recorded sessions in <code>${escapeHtml(model.sources.sessions ?? '')}</code> (${recorded.files.length} file${
          recorded.files.length === 1 ? '' : 's'
        }): for each message the first valid frame, files in name order; a message no session holds shows the document’s own example, marked as such.`;
  parts.push(
    '<section id="messages">',
    '<h2>Messages</h2>',
    `<p class="lead">${model.spec.messages.length} messages. ${source}</p>`,
  );
  for (const direction of DIRECTION_GROUPS) {
    const members = model.spec.messages.filter((m) => m.direction === direction);
    if (members.length === 0) continue;
    const label = directionLabel(direction, model.role);
    const groupId = anchors.take(`messages-${direction}`);
    parts.push(
      `<h3 class="group-heading" id="${groupId}" data-group-heading="${direction}">${escapeHtml(label[0].toUpperCase() + label.slice(1))}</h3>`,
    );
    children.push({ group: label, groupKey: direction });
    for (const message of members) {
      parts.push(messageHtml(model, message, anchors));
      children.push({ id: model.messageAnchors.get(message.name) as string, label: message.name, mono: true });
    }
  }
  parts.push('</section>');
  return { html: parts.join('\n'), nav: { id: 'messages', label: 'Messages', children } };
}
