import { escapeHtml } from './escape';

// A deliberately tiny Markdown subset for spec descriptions: paragraphs, `code`, **bold**, *em*, lists, fenced code,
// headings (shown as bold lines) and links whose target is relative or http(s). Everything else is text, escaped:
// no raw HTML ever passes through, whatever the document says.

/**
 * A link target the page may point at: relative (`#x`, `a/b.json`, `/x`) or absolute `http(s)://`. Anything with
 * another scheme (`javascript:`, `data:`, `file:` ...), protocol-relative `//host`, or control characters is refused.
 *
 * @example
 * isSafeHref('https://www.asyncapi.com/'); // true
 * isSafeHref('javascript:alert(1)');       // false
 */
export function isSafeHref(url: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what an href must not hold
  if (url === '' || /[\s\u0000-\u001f\u007f\\]/.test(url) || url.startsWith('//')) return false;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return scheme === null || /^https?$/i.test(scheme[1]);
}

// Order matters: code spans first (nothing inside them is Markdown), then links, bold, emphasis.
const INLINE =
  /`([^`]+)`|\[([^\]\n]+)\]\(([^()\s]+)\)|\*\*(?=\S)([^\n]*?\S)\*\*|(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])/g;

/**
 * Renders one line or paragraph of inline Markdown to HTML: `code`, **bold**, *em* / _em_, [text](href). Text is
 * escaped; an unsafe link keeps its text and loses its target.
 *
 * @example
 * renderInline('Send `start_agent` **first** <now>'); // 'Send <code>start_agent</code> <strong>first</strong> &lt;now&gt;'
 */
export function renderInline(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const at = match.index ?? 0;
    out += escapeHtml(text.slice(last, at));
    last = at + match[0].length;
    const [, code, linkText, href, bold, em, underscoreEm] = match;
    if (code !== undefined) out += `<code>${escapeHtml(code)}</code>`;
    else if (linkText !== undefined) {
      out += isSafeHref(href)
        ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${renderInline(linkText)}</a>`
        : renderInline(linkText);
    } else if (bold !== undefined) out += `<strong>${renderInline(bold)}</strong>`;
    else out += `<em>${renderInline(em ?? underscoreEm ?? '')}</em>`;
  }
  return out + escapeHtml(text.slice(last));
}

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

/**
 * Renders a description as HTML blocks: paragraphs (blank-line separated), `-`/`*`/`1.` lists, fenced code, and
 * headings as bold paragraphs. Safe for any input: all text is escaped, only the subset's tags are produced.
 *
 * @example
 * renderMarkdown('Hello **world**.\n\n- one\n- `two`');
 * // '<p>Hello <strong>world</strong>.</p>\n<ul><li>one</li><li><code>two</code></li></ul>'
 */
export function renderMarkdown(text: string | undefined): string {
  if (text === undefined || text.trim() === '') return '';
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;

  const flushParagraph = (): void => {
    if (paragraph.length > 0) blocks.push(`<p>${renderInline(paragraph.join('\n'))}</p>`);
    paragraph = [];
  };
  const flushList = (): void => {
    if (list !== undefined) {
      const tag = list.ordered ? 'ol' : 'ul';
      blocks.push(`<${tag}>${list.items.map((item) => `<li>${renderInline(item)}</li>`).join('')}</${tag}>`);
    }
    list = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      flushParagraph();
      flushList();
      const fence = (FENCE.exec(line) as RegExpExecArray)[1];
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence); i++) body.push(lines[i]);
      blocks.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (line.trim() === '') {
      flushParagraph();
      flushList();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) {
      flushParagraph();
      flushList();
      blocks.push(`<p><strong>${renderInline(heading[1])}</strong></p>`);
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item !== null) {
      flushParagraph();
      const ordered = /\d/.test(item[1]);
      if (list !== undefined && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[2]);
      continue;
    }
    if (list !== undefined && /^\s+\S/.test(line)) {
      // An indented line continues the current list item.
      list.items[list.items.length - 1] += `\n${line.trim()}`;
      continue;
    }
    flushList();
    paragraph.push(line.trim());
  }
  flushParagraph();
  flushList();
  return blocks.join('\n');
}
