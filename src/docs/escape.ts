// Every string that reaches the page goes through one of these: spec text is data, never markup.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and for quoted attribute values (`&`, `<`, `>`, `"`, `'`).
 *
 * @example
 * escapeHtml('<b title="x">'); // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * A fragment id made of `[A-Za-z0-9_.-]` only, so it is safe in `id`, `href="#..."` and CSS selectors alike.
 *
 * @example
 * anchorId('f', 'agent_completed', 'result.recommendations[].id'); // 'f-agent_completed-result.recommendations.id'
 */
export function anchorId(...parts: string[]): string {
  return parts
    .map((p) =>
      p
        .replace(/\[\]/g, '')
        .replace(/[^A-Za-z0-9_.-]+/g, '_')
        .replace(/^[._-]+|[._-]+$/g, ''),
    )
    .filter((p) => p !== '')
    .join('-');
}

/** Hands out unique anchor ids: a repeat gets `-2`, `-3`, ... in the order asked. */
export class AnchorIds {
  private readonly taken = new Set<string>();

  take(id: string): string {
    let candidate = id === '' ? 'x' : id;
    for (let n = 2; this.taken.has(candidate); n++) candidate = `${id}-${n}`;
    this.taken.add(candidate);
    return candidate;
  }
}
