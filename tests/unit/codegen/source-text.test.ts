import fc from 'fast-check';
import * as ts from 'typescript';
import {
  blockCommentText,
  commentText,
  fillTemplate,
  identifier,
  propertyKey,
  stringLiteral,
} from '../../../src/codegen/source-text';

// The escaping functions for each place text from a document can go in generated code: any string in, the same
// program out (checked by evaluating it and by TypeScript's parser).

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc
    .array(fc.constantFrom('*/', '/*', '\n', '\r', '\u2028', '\u2029', '`', '${', "'", '"', '\\', '</script>', 'x'))
    .map((parts) => parts.join('')),
);

function parses(code: string): boolean {
  return (ts.transpileModule(code, { reportDiagnostics: true }).diagnostics ?? []).length === 0;
}

describe('source text escaping', () => {
  it('stringLiteral gives back exactly the text, with either quote, in JavaScript and TypeScript', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom<"'" | '"'>("'", '"'), (text, quote) => {
        const literal = stringLiteral(text, quote);
        expect(new Function(`return ${literal};`)()).toBe(text);
        expect(parses(`const x: string = ${literal};`)).toBe(true);
        expect(literal).not.toMatch(/[\n\r\u2028\u2029]|<\//);
      }),
    );
  });

  it('commentText keeps any text inside a // or /* */ comment', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const safe = commentText(text);
        expect(new Function(`// ${safe}\nreturn 1;`)()).toBe(1);
        expect(new Function(`/* ${safe} */ return 2;`)()).toBe(2);
        expect(new Function(`/**\n * ${safe}\n */\nreturn 3;`)()).toBe(3);
      }),
    );
  });

  it('blockCommentText keeps any text inside a JSDoc block, line by line', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const lines = blockCommentText(text)
          .split('\n')
          .map((l) => ` * ${l}`);
        expect(new Function(`/**\n${lines.join('\n')}\n */\nreturn 4;`)()).toBe(4);
      }),
    );
  });

  it('identifier refuses anything but a plain identifier that is no reserved word', () => {
    expect(identifier('AgentStarted')).toBe('AgentStarted');
    for (const bad of ['', '1a', 'a b', 'a;b()', 'class', 'delete', 'x\u2028']) {
      expect(() => identifier(bad)).toThrow(expect.objectContaining({ code: 'CODEGEN_UNSAFE_TEXT' }));
    }
  });

  it('propertyKey quotes what is not an identifier', () => {
    expect(propertyKey('agent_started')).toBe('agent_started');
    expect(propertyKey("it's\n")).toBe("'it\\'s\\n'");
    fc.assert(
      // (`__proto__` as a literal key sets the prototype in any object literal, quoted or not: not a key to test.)
      fc.property(
        anyText.filter((k) => k !== '__proto__'),
        (key) => {
          const object = new Function(`return { ${propertyKey(key)}: 1 };`)() as Record<string, number>;
          expect(Object.keys(object)).toEqual([key]);
        },
      ),
    );
  });

  it('fillTemplate fills every placeholder as given (no $& expansion) and refuses a missing or unused one', () => {
    expect(fillTemplate('a __X__ b', { __X__: "'$&$1$$'" })).toBe("a '$&$1$$' b");
    expect(() => fillTemplate('a __X__ __Y__', { __X__: '1' })).toThrow(/__Y__/);
    expect(() => fillTemplate('a __X__', { __X__: '1', __Z__: '2' })).toThrow(/__Z__/);
  });
});
