// Text from the document is data, never code. Every string codegen places into generated source passes through
// exactly one of these, chosen by where it goes: a comment, a string literal, an identifier, a property key. The
// document is someone else's text (a partner's, a third party's in the corpus): a newline ends a `//` comment, `*/`
// ends a block comment, a quote ends a string, and the rest would run wherever the output is loaded.

import { CodegenError } from './errors';

/** ECMAScript (and TypeScript) line terminators. */
const LINE_TERMINATORS = /\r\n|[\r\n\u2028\u2029]/g;

/**
 * Text safe as the content of a one-line comment, `//` and `/* *\/` alike: line terminators become spaces and `*\/`
 * is broken up as `*\/`, so the comment cannot end early.
 *
 * @example
 * `// ${commentText('a\nprocess.exit(1)')}`; // '// a process.exit(1)'
 * commentText('x *' + '/ evil()'); // 'x *\\/ evil()'
 */
export function commentText(text: string): string {
  return text.replace(LINE_TERMINATORS, ' ').replace(/\*\//g, '*\\/');
}

/**
 * Text safe as the content of a block (or JSDoc) comment over several lines: every kind of line break becomes `\n`
 * (the caller prefixes each line) and `*\/` is broken up as `*\/`.
 *
 * @example
 * blockCommentText('one\u2028two'); // 'one\ntwo'
 */
export function blockCommentText(text: string): string {
  return text.replace(LINE_TERMINATORS, '\n').replace(/\*\//g, '*\\/');
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A complete string literal (quotes included) whose value is exactly `text`: backslashes, the quote, control
 * characters, line terminators (U+2028/U+2029 too) and lone surrogates escaped, and `</` written `<\/` so the
 * literal is also safe inside an HTML `<script>`. Backticks and `${` need nothing inside quotes.
 *
 * @example
 * stringLiteral("it's"); // "'it\\'s'"
 * stringLiteral('a"b', '"'); // '"a\\"b"'
 */
export function stringLiteral(text: string, quote: "'" | '"' = "'"): string {
  let out = quote;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const code = text.charCodeAt(i);
    if (char === quote) out += `\\${quote}`;
    else if (SIMPLE_ESCAPES[char] !== undefined) out += SIMPLE_ESCAPES[char];
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += hex4(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += char + text[i + 1];
        i++;
      } else out += hex4(code);
    } else if (code >= 0xdc00 && code <= 0xdfff) out += hex4(code);
    else if (char === '/' && text[i - 1] === '<') out += '\\/';
    else out += char;
  }
  return out + quote;
}

// Words that cannot name a binding or a type in TypeScript (strict mode included).
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield any boolean number string symbol ' +
    'never unknown object undefined await'
  ).split(' '),
);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * `name` itself when it is a plain ASCII identifier that is no reserved word; otherwise a typed error: names that
 * reach generated code are made from the document by sanitising functions first, and this is the last check.
 *
 * @throws CodegenError `CODEGEN_UNSAFE_TEXT`.
 * @example
 * identifier('AgentStarted'); // 'AgentStarted'
 * identifier('x; evil()'); // throws
 */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name) || RESERVED.has(name)) {
    throw new CodegenError('CODEGEN_UNSAFE_TEXT', `${stringLiteral(name)} cannot be an identifier of generated code`);
  }
  return name;
}

/**
 * A property key of an object literal or interface: the name itself when it is an identifier, else a quoted
 * string literal.
 *
 * @example
 * propertyKey('agent_started'); // 'agent_started'
 * propertyKey('my-key'); // "'my-key'"
 */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : stringLiteral(name);
}

/**
 * Fills `__NAME__` placeholders of a code template, each with a value already escaped for where the placeholder
 * stands. Every placeholder of the template must be given, and every value used: a forgotten one is a bug.
 *
 * @example
 * fillTemplate('const t = __TYPE__; // __NOTE__', { __TYPE__: stringLiteral(t), __NOTE__: commentText(n) });
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const out = template.replace(/__[A-Z][A-Z0-9_]*__/g, (name) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder ${name} has no value`);
    used.add(name);
    return value; // a function replacement: `$&` and friends in the value stay as they are
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`template values not used: ${unused.join(', ')}`);
  return out;
}
