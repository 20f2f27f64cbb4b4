// Text from the spec never becomes code (issue 12, item 0). Every spec field a document can fill (title, version,
// descriptions, titles and summaries of messages and schemas, property names, enum and const values, formats,
// patterns, examples, close codes, the run's start type, server and security texts) is given a payload of newlines,
// `*/`, backticks, `${`, quotes, `</script>` and U+2028/U+2029 around a statement that writes a file. The generated
// sources must parse to the same program as with harmless text of the same shape, and loading them (the validators,
// the runtime, the types and the client) must execute nothing.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import YAML from 'yaml';
import { closeSpecLoader, loadSpec, type Spec } from '../../../src/asyncapi';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
// Ends a block comment, then a line comment (three ways), runs a statement, and carries the other hazards behind it.
const ATTACK =
  " */ \n\u2028\u2029 require('fs').writeFileSync(process.env.NETRA_PWNED_FILE || 'PWNED', 'pwned'); " +
  '// ` ${globalThis.x} \' " </script><img src=x onerror=alert(1)> /*';

/** The attack after a label, so every field's text is different. */
function hostile(label: string): string {
  return `${label}${ATTACK}`;
}

/** Harmless text of the same shape: the same spaces, newlines, backticks and stars; no quote, slash, brace or tag. */
function benign(label: string): string {
  const map: Record<string, string> = { '<': '(', '>': ')', '"': 'q', "'": 'a', $: 'S', '{': '(', '}': ')', '/': '|' };
  return hostile(label).replace(/[<>"'${}/\u2028\u2029\\]/g, (c) => map[c] ?? ' ');
}

type Text = (label: string) => string;
type Node = Record<string, any>;

/** The project's own document with every text field, and a few added ones, filled by `text`. */
function poisonedDocument(text: Text): string {
  const doc = YAML.parse(readFileSync(path.join(ROOT, 'asyncapi.yaml'), 'utf8')) as Node;
  let n = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Node)) {
        if (['title', 'summary', 'description'].includes(key) && typeof value === 'string') {
          (node as Node)[key] = text(`${key}${n++}`);
        } else visit(value);
      }
    }
  };
  visit(doc);
  doc.info.version = `1.0.0-${text('version')}`;
  doc.channels.agentSocket.address = `/ws${text('address')}`;
  for (const code of Object.keys(doc.channels.agentSocket['x-netra-close-codes'])) {
    doc.channels.agentSocket['x-netra-close-codes'][code] = text(`close${code}`);
  }
  doc.components.securitySchemes.jwtSubprotocol.name = text('headerName');
  const hostileProperty = {
    type: 'string',
    title: text('propertyTitle'),
    description: text('propertyDescription'),
    enum: [text('enumA'), text('enumB')],
    default: text('default'),
    examples: [text('example')],
    format: text('format'),
    pattern: text('pattern').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  };
  const schemas = doc.components.schemas as Node;
  for (const name of ['AgentThinking', 'StartAgent']) {
    const target = schemas[name].allOf ? schemas[name].allOf[schemas[name].allOf.length - 1] : schemas[name];
    target.properties[text('property name')] = hostileProperty;
    target.properties[`${name}Const`] = { const: text('const') };
  }
  schemas.AgentStarted = structuredClone(schemas.AgentStarted);
  const startedType = schemas.AgentStarted.properties?.type ?? schemas.AgentStarted.allOf?.at(-1).properties.type;
  startedType.const = text('agent_started type');
  for (const message of Object.values(doc.components.messages as Node)) {
    for (const example of (message as Node).examples ?? []) {
      example.name = text('exampleName');
      for (const key of Object.keys(example.payload)) {
        if (typeof example.payload[key] === 'string' && key !== 'type') example.payload[key] = text(`value ${key}`);
      }
    }
  }
  return YAML.stringify(doc);
}

/** The syntax kinds of a source file, in order: its program, whatever its strings and comments hold. */
function programShape(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const problems = ts.transpileModule(text, { reportDiagnostics: true, fileName: file }).diagnostics ?? [];
  expect(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '))).toEqual([]);
  const kinds: string[] = [];
  const walk = (node: ts.Node): void => {
    kinds.push(ts.SyntaxKind[node.kind]);
    ts.forEachChild(node, walk);
  };
  walk(source);
  return kinds;
}

/** Tag names and attribute names of an HTML page, in order: its markup, whatever its text holds. */
function markupShape(page: string): string[] {
  const out: string[] = [];
  const html = page.replace(/"[^"]*"/g, '""'); // attribute values: text, which the comparison is not about
  for (const match of html.matchAll(/<(\/?[a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attributes = [...match[2].matchAll(/\s+([^\s=>/]+)/g)].map((a) => a[1]);
    out.push(`${match[1]}${attributes.length > 0 ? `[${attributes.join(' ')}]` : ''}`);
  }
  return out;
}

/** `netra-contracts generate` (a process of its own: json-schema-to-typescript's formatter needs real ESM). */
function generate(spec: string, out: string): Promise<void> {
  const cli = path.join(ROOT, 'bin', 'netra-contracts.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, 'generate', '--spec', spec, '--out', out], { cwd: ROOT }, (err, _out, stderr) =>
      err === null ? resolve() : reject(new Error(`generate ${spec}: ${stderr}`)),
    );
  });
}

/** The files of a generated folder by relative path, sorted. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (statSync(path.join(dir, child)).isDirectory()) walk(child);
      else out.set(child, readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  walk('');
  return out;
}

let work: string;
let hostileSpec: Spec;
let hostileFiles: Map<string, string>;
let benignFiles: Map<string, string>;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'netra-untrusted-'));
  writeFileSync(path.join(work, 'hostile.yaml'), poisonedDocument(hostile));
  writeFileSync(path.join(work, 'benign.yaml'), poisonedDocument(benign));
  await Promise.all([
    generate(path.join(work, 'hostile.yaml'), path.join(work, 'hostile')),
    generate(path.join(work, 'benign.yaml'), path.join(work, 'benign')),
  ]);
  hostileSpec = await loadSpec(path.join(work, 'hostile.yaml'));
  hostileFiles = filesOf(path.join(work, 'hostile'));
  benignFiles = filesOf(path.join(work, 'benign'));
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await closeSpecLoader();
});

describe('text from the spec in generated code', () => {
  it('reaches the spec as written (the attack is really there)', () => {
    expect(hostileSpec.title).toContain("require('fs')");
    expect(hostileSpec.version).toContain('*/');
    expect(hostileSpec.messages.find((m) => m.name === 'agent_started')?.type).toContain('\u2028');
    expect([...hostileFiles.keys()]).toContain('client.ts');
  });

  it('leaves every generated source the same program as harmless text does', () => {
    expect([...hostileFiles.keys()]).toEqual([...benignFiles.keys()]);
    let sources = 0;
    for (const [file, text] of hostileFiles) {
      if (file.endsWith('.json')) {
        expect(() => JSON.parse(text)).not.toThrow();
        continue;
      }
      if (!/\.(ts|js)$/.test(file)) continue;
      sources++;
      const name = file.replace(/(\.d)?\.(js|ts)$/, '.ts');
      const benignText = benignFiles.get(file) as string;
      expect({ file, shape: programShape(name, text) }).toEqual({ file, shape: programShape(name, benignText) });
    }
    expect(sources).toBeGreaterThanOrEqual(17); // types, client, index.js/.d.ts, runtime and 12 validators
  });

  it('keeps the attack out of the program: it is only ever inside a comment or a string', () => {
    for (const [file, text] of hostileFiles) {
      if (!/\.(ts|js)$/.test(file)) continue;
      const source = ts.createSourceFile(file.replace(/\.js$/, '.ts'), text, ts.ScriptTarget.ES2022);
      const calls: string[] = [];
      const walk = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && node.expression.getText(source).includes('writeFileSync')) {
          calls.push(node.getText(source));
        }
        ts.forEachChild(node, walk);
      };
      walk(source);
      expect({ file, calls }).toEqual({ file, calls: [] });
    }
  });

  it('leaves the docs page the same markup as harmless text does, with no tag of the attack', () => {
    const hostileHtml = hostileFiles.get('docs/index.html') as string;
    expect(hostileHtml).toContain('onerror=alert(1)'); // as text
    expect(markupShape(hostileHtml)).toEqual(markupShape(benignFiles.get('docs/index.html') as string));
    expect(hostileHtml).not.toContain('<img');
    expect(hostileHtml.match(/<script/g)).toHaveLength(1);
  });

  it('executes nothing when the validators, the runtime, the types and the client are loaded', () => {
    const out = path.join(work, 'hostile');
    for (const file of ['types.ts', 'client.ts']) {
      const js = ts.transpileModule(readFileSync(path.join(out, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      writeFileSync(path.join(out, file.replace(/\.ts$/, '.js')), js);
    }
    const pwned = path.join(work, 'pwned');
    const load = (modules: string[]): void => {
      const code = [
        ...modules.map((m) => `require(${JSON.stringify(path.join(out, m))});`),
        `const v = require(${JSON.stringify(path.join(out, 'validators'))});`,
        `v.validateServerMessage({ type: 'agent_thinking' }); v.validateClientMessage({ type: 'resume' });`,
        `new (require(${JSON.stringify(path.join(out, 'client.js'))}).NetraClient)({ url: 'ws://127.0.0.1:9/ws', token: 't' });`,
      ].join('\n');
      const env = { NETRA_PWNED_FILE: pwned, NODE_PATH: path.join(ROOT, 'node_modules') };
      execFileSync(process.execPath, ['-e', code], { env, cwd: work, stdio: 'pipe' });
    };
    load(['validators/runtime.js', 'types.js', 'client.js']);
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(path.join(work, 'PWNED'))).toBe(false);

    // The canary itself works: the same attack in an unescaped comment, as provenance used to write it, runs.
    writeFileSync(path.join(out, 'control.js'), `// ${hostile('title')}\n`);
    const control = spawnSync(process.execPath, [path.join(out, 'control.js')], { env: { NETRA_PWNED_FILE: pwned } });
    expect(control.status).not.toBe(null);
    expect(existsSync(pwned)).toBe(true);
  });
});
