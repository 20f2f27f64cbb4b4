import { isSafeHref, renderInline, renderMarkdown } from '../../../src/docs';

describe('renderMarkdown', () => {
  it('renders paragraphs, code, bold, emphasis and lists', () => {
    const html = renderMarkdown('Send `start_agent` **first**, then *wait*.\n\n- one\n- `two`\n\n1. a\n2. b');
    expect(html).toBe(
      '<p>Send <code>start_agent</code> <strong>first</strong>, then <em>wait</em>.</p>\n' +
        '<ul><li>one</li><li><code>two</code></li></ul>\n' +
        '<ol><li>a</li><li>b</li></ol>',
    );
  });

  it('keeps snake_case words and code contents literal', () => {
    expect(renderInline('tool_call_id and `**not bold**` and _em_')).toBe(
      'tool_call_id and <code>**not bold**</code> and <em>em</em>',
    );
  });

  it('escapes raw HTML everywhere, including inside code, bold and list items', () => {
    const html = renderMarkdown('<script>alert(1)</script> **<img src=x onerror=alert(1)>**\n\n- `<b>` "q" \'s\'');
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<strong>&lt;img src=x onerror=alert(1)&gt;</strong>');
    expect(html).toContain('<li><code>&lt;b&gt;</code> &quot;q&quot; &#39;s&#39;</li>');
  });

  it('links only relative and http(s) targets', () => {
    expect(renderInline('[spec](https://www.asyncapi.com/docs)')).toBe(
      '<a href="https://www.asyncapi.com/docs" rel="noopener noreferrer">spec</a>',
    );
    expect(renderInline('[schema](schemas/a.json)')).toBe(
      '<a href="schemas/a.json" rel="noopener noreferrer">schema</a>',
    );
    expect(renderInline('[x](javascript:alert(1))')).not.toContain('href');
    expect(renderInline('[x](data:text/html;base64,AAAA)')).toBe('x');
    expect(renderInline('[x](//evil.example/a)')).toBe('x');
  });

  it('cannot be broken out of an attribute by a crafted link', () => {
    const html = renderInline('[x](https://a.example/"onmouseover="alert(1))');
    expect(html).not.toContain('"onmouseover');
    expect(html).toContain('&quot;onmouseover=&quot;alert(1');
  });

  it('renders fenced code escaped and headings as bold lines', () => {
    expect(renderMarkdown('# Title\n```\n<a>&\n```')).toBe(
      '<p><strong>Title</strong></p>\n<pre><code>&lt;a&gt;&amp;</code></pre>',
    );
  });

  it('joins an indented continuation line to its list item', () => {
    expect(renderMarkdown('- first\n  continued\n- second')).toBe('<ul><li>first\ncontinued</li><li>second</li></ul>');
  });

  it('gives nothing for empty or missing text', () => {
    expect(renderMarkdown(undefined)).toBe('');
    expect(renderMarkdown('  \n ')).toBe('');
  });
});

describe('isSafeHref', () => {
  it.each([
    ['https://example.com/', true],
    ['HTTP://example.com/', true],
    ['#msg-agent_started', true],
    ['a/b.json', true],
    ['/ws', true],
    ['javascript:alert(1)', false],
    ['JaVaScRiPt:alert(1)', false],
    ['vbscript:x', false],
    ['file:///etc/passwd', false],
    ['//evil.example', false],
    ['java\tscript:x', false],
    ['', false],
  ])('%s -> %s', (href, safe) => {
    expect(isSafeHref(href)).toBe(safe);
  });
});
